import type { listWorkspaces } from './workspace.repository.js';

type WorkspaceRow = Awaited<ReturnType<typeof listWorkspaces>>[number];

export const toWorkspace = (row: WorkspaceRow) => ({
  id: row.id,
  name: row.name,
  personal: row.personal_user_id !== null,
  role: row.role,
  memberCount: row.member_count,
  createdAt: row.created_at.toISOString(),
});
