import type { AccountInvitationRow } from './account-invitation.repository.js';

export const toAccountInvitation = (row: AccountInvitationRow) => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  expired: row.expires_at.getTime() <= Date.now(),
  invitedBy: row.invited_by,
});
