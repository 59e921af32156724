import { ADMIN_ROUTES } from '@chatty/contracts';
import { newestFirstCursor, newestFirstPosition } from '@chatty/shared';
import { toActionRun } from '../../db/action-run.mapper.js';
import { listActionRunsForAudit } from '../../db/action-run.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

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
        ...ADMIN_ROUTES.actionRuns.schema,
      },
    },
    async (request) => {
      const { cursor, ...filter } = request.query;
      const page = await listActionRunsForAudit(app.db, {
        ...filter,
        ...(cursor !== undefined && { after: newestFirstPosition(cursor) }),
      });
      const items = page.rows.map((row) => ({
        ...toActionRun(row),
        gptId: row.gpt_id,
        gptDeletedAt: row.gpt_deleted_at?.toISOString() ?? null,
      }));
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );
};
