import type { User } from '@chatty/contracts';
import type { UserRow } from './schema.js';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
  };
}

/** An account as an admin sees it: whether it is disabled too. */
export const toAdminUser = (row: UserRow) => ({
  ...toUser(row),
  disabledAt: row.disabled_at?.toISOString() ?? null,
});
