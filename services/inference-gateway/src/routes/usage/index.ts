import { CHAT_ROUTES } from '@chatty/contracts';
import { callerOf } from '@chatty/shared';
import { sumUsage } from '../../db/usage.repository.js';
import type { GatewayRoutes } from '../gateway-routes.js';

/**
 * Tokens used per user, GPT and model: every user's for an admin (the registry says who is one), the
 * caller's own for anyone else. Emails and GPT names come from the registry at read time, so a
 * renamed GPT shows its current name and a deleted one shows none.
 */
export const usageRoutes: GatewayRoutes = async (app) => {
  app.get(
    '/api/usage/tokens',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['usage'],
        summary: 'Tokens used per user, GPT and model over the last days (every user’s for an admin)',
        ...CHAT_ROUTES.tokenUsage.schema,
      },
    },
    async (request) => {
      const { userId } = callerOf(request);
      const me = await app.registryApi.lookup({ userIds: [userId] }, request.id);
      const admin = me.users[0]?.role === 'admin';
      const since = new Date(Date.now() - (request.query.days - 1) * 86_400_000).toISOString().slice(0, 10);
      const rows = await sumUsage(app.chatDb, since, admin ? undefined : userId);
      const names = await app.registryApi.lookup(
        {
          userIds: [...new Set(rows.map((row) => row.userId))],
          gptIds: [...new Set(rows.flatMap((row) => (row.gptId ? [row.gptId] : [])))],
        },
        request.id,
      );
      const emails = new Map(names.users.map((user) => [user.id, user.email]));
      const gptNames = new Map(names.gpts.map((gpt) => [gpt.id, gpt.name]));
      const items = rows.map((row) => ({
        ...row,
        userEmail: emails.get(row.userId) ?? null,
        gptName: row.gptId ? (gptNames.get(row.gptId) ?? null) : null,
      }));
      const sum = (pick: (row: (typeof rows)[number]) => number) =>
        rows.reduce((total, row) => total + pick(row), 0);
      return {
        since,
        scope: admin ? ('all' as const) : ('own' as const),
        items,
        totals: {
          requests: sum((row) => row.requests),
          promptTokens: sum((row) => row.promptTokens),
          completionTokens: sum((row) => row.completionTokens),
        },
      };
    },
  );
};
