import { forbidden, notFound } from '@chatty/shared';
import type { Db } from '../../db/user.repository.js';
import { findMembership, type listWorkspaces } from '../../db/workspace.repository.js';

type WorkspaceRow = Awaited<ReturnType<typeof listWorkspaces>>[number];

export const toWorkspace = (row: WorkspaceRow) => ({
  id: row.id,
  name: row.name,
  personal: row.personal_user_id !== null,
  role: row.role,
  memberCount: row.member_count,
  createdAt: row.created_at.toISOString(),
});

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
