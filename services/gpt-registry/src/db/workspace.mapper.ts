import type { listPendingInvitations, listWorkspaces } from './workspace.repository.js';

type WorkspaceRow = Awaited<ReturnType<typeof listWorkspaces>>[number];
type InvitationRow = Awaited<ReturnType<typeof listPendingInvitations>>[number];

export const toWorkspace = (row: WorkspaceRow) => ({
  id: row.id,
  name: row.name,
  personal: row.personal_user_id !== null,
  role: row.role,
  memberCount: row.member_count,
  createdAt: row.created_at.toISOString(),
});

export const toWorkspaceInvitation = (row: InvitationRow) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  expiresAt: row.expires_at.toISOString(),
  createdAt: row.created_at.toISOString(),
  expired: row.expires_at.getTime() <= Date.now(),
});
