import type { ApiKeyOwner } from '@chatty/shared';
import { sql } from 'kysely';
import type { ApiKeyRow } from './schema.js';
import type { Db } from './user.repository.js';

export async function insertApiKey(
  db: Db,
  key: { userId: string; name: string; keyHash: string; keyPrefix: string },
): Promise<ApiKeyRow> {
  return db
    .insertInto('api_key')
    .values({ user_id: key.userId, name: key.name, key_hash: key.keyHash, key_prefix: key.keyPrefix })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listApiKeys(db: Db, userId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_key')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Deletes a key the user owns; false when there is none (missing or someone else's). */
export async function deleteApiKey(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('api_key')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * The owner of a live key, and the key's id (limits apply per key too). `last_used_at` is written at
 * most once a minute per key, so a busy client does not turn every read into a write.
 */
export async function resolveApiKeyOwner(db: Db, keyHash: string): Promise<ApiKeyOwner | null> {
  const row = await db
    .selectFrom('api_key')
    .select(['id', 'user_id', 'last_used_at'])
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_key').set({ last_used_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  return { userId: row.user_id, keyId: row.id };
}
