import { forbidden, notFound } from '@chatty/shared';
import type { Db } from '../../db/index.js';
import { findMembership } from '../../db/workspace.repository.js';

/** The caller's membership of the workspace; 404 when they are not in it, 403 below `needed`. */
export async function requireMembership(
  db: Db,
  userId: string,
  workspaceId: string,
  needed: 'admin' | 'member',
) {
  const workspace = await findMembership(db, userId, workspaceId);
  if (!workspace) throw notFound('Workspace');
  if (needed === 'admin' && workspace.role === 'member') {
    throw forbidden('NOT_ALLOWED', 'Only owners and admins of the workspace may do this');
  }
  return workspace;
}
