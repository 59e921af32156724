import type { ApiKeyOwner } from '@chatty/contracts';
import { preparedStatement } from '@chatty/shared';
import { sql } from 'kysely';
import type { Db } from './index.js';
import type { ApiKeyRow, ApiKeyScope } from './schema.js';

export async function insertApiKey(
  db: Db,
  key: {
    userId: string;
    name: string;
    keyHash: string;
    keyPrefix: string;
    scope: ApiKeyScope;
    expiresAt: Date | null;
  },
): Promise<ApiKeyRow> {
  return db
    .insertInto('api_key')
    .values({
      user_id: key.userId,
      name: key.name,
      key_hash: key.keyHash,
      key_prefix: key.keyPrefix,
      scope: key.scope,
      expires_at: key.expiresAt,
    })
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

const liveKeyOwnerStatement = preparedStatement((db: Db, keyHash: string) =>
  db
    .selectFrom('api_key')
    .innerJoin('app_user', 'app_user.id', 'api_key.user_id')
    .select(['api_key.id', 'api_key.user_id', 'api_key.last_used_at', 'api_key.scope'])
    .where('api_key.key_hash', '=', keyHash)
    .where((eb) =>
      eb.or([eb('api_key.expires_at', 'is', null), eb('api_key.expires_at', '>', sql<Date>`now()`)]),
    )
    .where('app_user.disabled_at', 'is', null)
    .compile(),
);

/**
 * The owner of a live key (not expired, its account not disabled), the key's id (limits apply per key
 * too) and its scope. `last_used_at` is written at most once a minute per key, so a busy client does
 * not turn every read into a write.
 */
export async function resolveApiKeyOwner(db: Db, keyHash: string): Promise<ApiKeyOwner | null> {
  // Every request with an API key reads it: compiled once, and planned once per connection.
  const [row] = (await db.executeQuery(liveKeyOwnerStatement(db, keyHash))).rows;
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_key').set({ last_used_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  return { userId: row.user_id, keyId: row.id, scope: row.scope };
}
