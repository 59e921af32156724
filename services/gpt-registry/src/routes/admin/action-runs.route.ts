import { ActionRun, errorResponses, Timestamp, Uuid } from '@chatty/contracts';
import Type from 'typebox';
import { toActionRun } from '../../db/action-run.mapper.js';
import { listActionRunsForAudit } from '../../db/action-run.repository.js';
import type { RegistryRoutes } from '../../registry-app.js';

const AuditedRun = Type.Intersect([
  ActionRun,
  Type.Object({
    gptId: Uuid,
    /** When its GPT was deleted; the run is kept until ACTION_RUN_RETENTION_DAYS after. */
    gptDeletedAt: Type.Union([Timestamp, Type.Null()]),
  }),
]);

const AuditQuery = Type.Object({
  gptId: Type.Optional(Uuid),
  userId: Type.Optional(Uuid),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});

/**
 * The audit of action runs for admins (registered inside the admin routes, behind their checks):
 * whoever deletes a GPT loses its runs from their own view, but not from this one.
 */
export const actionRunAuditRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/admin/action-runs',
    {
      schema: {
        tags: ['admin'],
        summary:
          "Action executions across every GPT, newest first, deleted GPTs' included until their retention ends",
        querystring: AuditQuery,
        response: { 200: Type.Object({ items: Type.Array(AuditedRun) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const rows = await listActionRunsForAudit(app.db, request.query);
      return {
        items: rows.map((row) => ({
          ...toActionRun(row),
          gptId: row.gpt_id,
          gptDeletedAt: row.gpt_deleted_at?.toISOString() ?? null,
        })),
      };
    },
  );
};
