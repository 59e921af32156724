import { createHash } from 'node:crypto';
import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { notFound, requireServiceToken } from '@chatty/shared';
import { findGptWithAccess } from '../../access/gpt-access.js';
import { toRuntimeAction } from '../../db/action.mapper.js';
import { listActions } from '../../db/action.repository.js';
import { findTurnFacts } from '../../db/turn.repository.js';
import type { RegistryRoutes } from '../../registry-app.js';
import { seenAs } from '../gpts/visible-gpt.js';

/**
 * What the inference gateway reads at the start of every chat turn, in one call: the user's access
 * (checked every time, so a removed share stops the next turn), their context, whether there is
 * knowledge to search, and the GPT's runtime — left out when the gateway already holds the same one.
 */
export const internalTurnRoutes: RegistryRoutes<{ token: string }> = async (app, { token }) => {
  app.addHook('onRequest', requireServiceToken(token));

  app.get(
    '/internal/gpts/:id/turn',
    {
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.turn.schema,
      },
    },
    async (request) => {
      const { userId, known } = request.query;
      const found = await findGptWithAccess(app.db, userId, request.params.id);
      if (!found) throw notFound('GPT');
      const [gpt, facts] = await Promise.all([
        seenAs(app.db, userId, found),
        findTurnFacts(app.db, found.gpt.id, userId),
      ]);
      // The stamp covers everything the runtime holds, so equal stamps mean an equal runtime.
      const stamp = createHash('sha256')
        .update(JSON.stringify(gpt))
        .update(facts.actionsDigest)
        .digest('base64url');
      const answer = { stamp, context: facts.context, hasFiles: facts.hasFiles };
      if (stamp === known) return answer;
      const actions = await listActions(app.db, found.gpt.id, { activeOnly: true });
      return { ...answer, runtime: { gpt, actions: actions.map(toRuntimeAction) } };
    },
  );
};
