import { REGISTRY_ROUTES } from '@chatty/contracts';
import { callerOf, notFound } from '@chatty/shared';
import { findGpt } from '../../db/gpt.repository.js';
import {
  countActions,
  countApiKeys,
  countFiles,
  countGpts,
  countOwnedWorkspaces,
  sumFileBytes,
} from '../../db/quota.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

/** The caller's use of each quota next to its limit, so a client can show it before a 409. */
export const usageRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/usage',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['usage'],
        summary: 'What you store against your quotas; ?gptId= adds that GPT’s files and actions',
        ...REGISTRY_ROUTES.usage.schema,
      },
    },
    async (request) => {
      const { userId } = callerOf(request);
      const { quotas } = app;
      const gptId = request.query.gptId;
      if (gptId && !(await findGpt(app.db, userId, gptId))) throw notFound('GPT');
      const [gpts, apiKeys, fileBytes, workspaces, files, actions] = await Promise.all([
        countGpts(app.db, userId),
        countApiKeys(app.db, userId),
        sumFileBytes(app.db, userId),
        countOwnedWorkspaces(app.db, userId),
        gptId ? countFiles(app.db, gptId) : undefined,
        gptId ? countActions(app.db, gptId) : undefined,
      ]);
      return {
        gpts: { used: gpts, limit: quotas.gpts },
        apiKeys: { used: apiKeys, limit: quotas.apiKeys },
        fileBytes: { used: fileBytes, limit: quotas.fileBytes },
        workspaces: { used: workspaces, limit: quotas.workspaces },
        filesPerGpt: { ...(files !== undefined && { used: files }), limit: quotas.filesPerGpt },
        actionsPerGpt: { ...(actions !== undefined && { used: actions }), limit: quotas.actionsPerGpt },
      };
    },
  );
};
