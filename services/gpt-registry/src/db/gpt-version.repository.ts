import { createHash } from 'node:crypto';
import type { Gpt } from '@chatty/contracts';
import { sql } from 'kysely';
import { toGpt } from './gpt.mapper.js';
import type { Db } from './index.js';
import type { GptRow } from './schema.js';

/** The key of an avatar in gpt_avatar; the migration computes the same in SQL for existing rows. */
const avatarSha256 = (dataUrl: string) => createHash('sha256').update(dataUrl, 'utf8').digest('hex');

/**
 * Records the row as a version. The snapshot leaves the avatar out and names it by hash; the avatar
 * itself is written once per GPT, so 50 versions with one 200 KB avatar store it once, not 50 times.
 * Called inside the transaction that changed the row (which holds the GPT's row lock).
 */
export async function recordVersion(db: Db, row: GptRow, authorId: string): Promise<void> {
  const { avatar, ...snapshot } = toGpt(row);
  let hash: string | null = null;
  if (avatar !== null) {
    hash = avatarSha256(avatar);
    // Looked up first so an unchanged avatar is not even sent to the database again.
    const stored = await db
      .selectFrom('gpt_avatar')
      .select('sha256')
      .where('gpt_id', '=', row.id)
      .where('sha256', '=', hash)
      .executeTakeFirst();
    if (!stored) {
      await db
        .insertInto('gpt_avatar')
        .values({ gpt_id: row.id, sha256: hash, data_url: avatar })
        .onConflict((oc) => oc.columns(['gpt_id', 'sha256']).doNothing())
        .execute();
    }
  }
  await db
    .insertInto('gpt_version')
    .values({
      gpt_id: row.id,
      version: row.version,
      snapshot: JSON.stringify(snapshot),
      avatar_sha256: hash,
      author_id: authorId,
    })
    .execute();
}

/** A page of a GPT's versions, newest first, without their snapshots' bulk; `before` is a version number. */
export async function listGptVersions(
  db: Db,
  gptId: string,
  { limit, before }: { limit: number; before?: number },
) {
  let query = db
    .selectFrom('gpt_version as v')
    .leftJoin('app_user as u', 'u.id', 'v.author_id')
    .select([
      'v.version',
      'v.created_at',
      sql<string>`v.snapshot->>'name'`.as('name'),
      sql<string>`coalesce(v.snapshot->>'description', '')`.as('description'),
      sql<string>`v.snapshot->>'modelId'`.as('model_id'),
      'u.id as author_id',
      'u.name as author_name',
      'u.email as author_email',
    ])
    .where('v.gpt_id', '=', gptId)
    .orderBy('v.version', 'desc')
    .limit(limit + 1);
  if (before !== undefined) query = query.where('v.version', '<', before);
  const rows = await query.execute();
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** One version's whole snapshot, its avatar put back. */
export async function findGptVersion(db: Db, gptId: string, version: number) {
  const row = await db
    .selectFrom('gpt_version as v')
    .leftJoin('gpt_avatar as a', (join) =>
      join.onRef('a.gpt_id', '=', 'v.gpt_id').onRef('a.sha256', '=', 'v.avatar_sha256'),
    )
    .select(['v.version', 'v.created_at', 'v.snapshot', 'a.data_url'])
    .where('v.gpt_id', '=', gptId)
    .where('v.version', '=', version)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    version: row.version,
    createdAt: row.created_at.toISOString(),
    gpt: { ...(row.snapshot as Omit<Gpt, 'avatar'>), avatar: row.data_url ?? null },
  };
}
