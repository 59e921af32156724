import { sql } from 'kysely';
import { ownerInWorkspaceOf, workspacesOf } from './gpt-access.repository.js';
import { findGptVersion } from './gpt-version.repository.js';
import type { Db } from './index.js';

/** Publishes (or re-publishes) a fixed version of the GPT to the workspace's catalogue. */
export async function publish(
  db: Db,
  entry: { workspaceId: string; gptId: string; version: number; category: string; userId: string },
) {
  return db
    .insertInto('catalogue_entry')
    .values({
      workspace_id: entry.workspaceId,
      gpt_id: entry.gptId,
      version: entry.version,
      category: entry.category,
      published_by: entry.userId,
    })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'gpt_id']).doUpdateSet({
        version: entry.version,
        category: entry.category,
        published_by: entry.userId,
        published_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function unpublish(db: Db, workspaceId: string, gptId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('catalogue_entry')
    .where('workspace_id', '=', workspaceId)
    .where('gpt_id', '=', gptId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Where the GPT is published: everywhere for its owner (`everywhere`: they decide where their GPT is,
 * and may end any publication), among the workspaces the user is in for an editor.
 */
export async function listPublications(
  db: Db,
  userId: string,
  gptId: string,
  { everywhere }: { everywhere: boolean },
) {
  let query = db
    .selectFrom('catalogue_entry as c')
    .innerJoin('workspace as w', 'w.id', 'c.workspace_id')
    .select(['c.workspace_id', 'w.name as workspace_name', 'c.version', 'c.category', 'c.published_at'])
    .where('c.gpt_id', '=', gptId);
  if (!everywhere) query = query.where(sql<boolean>`c.workspace_id in ${workspacesOf(userId)}`);
  return query.orderBy('w.name').orderBy('c.workspace_id').execute();
}

/**
 * The published version the user sees through a catalogue (the newest publication when several), among
 * the publications in force: in a workspace of theirs that the GPT's owner is in.
 */
export async function findPublishedFor(db: Db, userId: string, gptId: string) {
  const entry = await db
    .selectFrom('catalogue_entry as c')
    .innerJoin('gpt as g', 'g.id', 'c.gpt_id')
    .select('c.version')
    .where('c.gpt_id', '=', gptId)
    .where(sql<boolean>`c.workspace_id in ${workspacesOf(userId)}`)
    .where(ownerInWorkspaceOf('c', 'g'))
    .orderBy('c.published_at', 'desc')
    .executeTakeFirst();
  return entry && findGptVersion(db, gptId, entry.version);
}

/** The GPT's entry in the workspace's catalogue, when in force (the GPT's owner is in the workspace). */
export async function findEntry(db: Db, workspaceId: string, gptId: string) {
  return db
    .selectFrom('catalogue_entry as c')
    .innerJoin('gpt as g', 'g.id', 'c.gpt_id')
    .selectAll('c')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.gpt_id', '=', gptId)
    .where(ownerInWorkspaceOf('c', 'g'))
    .executeTakeFirst();
}

/**
 * The workspace's catalogue: each entry's published snapshot (not the draft), its rating and the
 * count of conversations, filtered by a search over name, description and category. Only entries in
 * force: a GPT whose owner is not in the workspace is not offered (gpt-access.repository.ts).
 */
export async function listCatalogue(
  db: Db,
  workspaceId: string,
  userId: string,
  { q, category }: { q?: string | undefined; category?: string | undefined },
) {
  let query = db
    .selectFrom('catalogue_entry as c')
    .innerJoin('gpt_version as v', (join) =>
      join.onRef('v.gpt_id', '=', 'c.gpt_id').onRef('v.version', '=', 'c.version'),
    )
    .innerJoin('gpt as g', 'g.id', 'c.gpt_id')
    .leftJoin('gpt_avatar as a', (join) =>
      join.onRef('a.gpt_id', '=', 'v.gpt_id').onRef('a.sha256', '=', 'v.avatar_sha256'),
    )
    .leftJoin('app_user as p', 'p.id', 'c.published_by')
    .select([
      'c.gpt_id',
      'c.version',
      'c.category',
      'c.published_at',
      'p.name as publisher_name',
      'p.email as publisher_email',
      sql<string>`v.snapshot->>'name'`.as('name'),
      sql<string>`coalesce(v.snapshot->>'description', '')`.as('description'),
      sql<string>`v.snapshot->>'modelId'`.as('model_id'),
      'a.data_url as avatar',
      'g.conversation_count',
      sql<number>`(select count(*)::int from catalogue_review r where r.workspace_id = c.workspace_id and r.gpt_id = c.gpt_id)`.as(
        'rating_count',
      ),
      sql<
        number | null
      >`(select round(avg(r.rating), 2)::float from catalogue_review r where r.workspace_id = c.workspace_id and r.gpt_id = c.gpt_id)`.as(
        'rating_average',
      ),
      sql<
        number | null
      >`(select r.rating from catalogue_review r where r.workspace_id = c.workspace_id and r.gpt_id = c.gpt_id and r.user_id = ${userId})`.as(
        'my_rating',
      ),
    ])
    .where('c.workspace_id', '=', workspaceId)
    .where(ownerInWorkspaceOf('c', 'g'))
    .orderBy('c.published_at', 'desc')
    .limit(200);
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<boolean>`(v.snapshot->>'name' ilike ${pattern} or v.snapshot->>'description' ilike ${pattern} or c.category ilike ${pattern})`,
    );
  }
  if (category) query = query.where(sql<boolean>`lower(c.category) = lower(${category})`);
  return query.execute();
}

export async function saveReview(
  db: Db,
  review: { workspaceId: string; gptId: string; userId: string; rating: number; review: string },
) {
  return db
    .insertInto('catalogue_review')
    .values({
      workspace_id: review.workspaceId,
      gpt_id: review.gptId,
      user_id: review.userId,
      rating: review.rating,
      review: review.review,
    })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'gpt_id', 'user_id'])
        .doUpdateSet({ rating: review.rating, review: review.review, updated_at: sql`now()` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listReviews(db: Db, workspaceId: string, gptId: string) {
  return db
    .selectFrom('catalogue_review as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'u.name', 'u.email', 'r.rating', 'r.review', 'r.updated_at'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.gpt_id', '=', gptId)
    .orderBy('r.updated_at', 'desc')
    .limit(200)
    .execute();
}

export async function countConversation(db: Db, gptId: string): Promise<void> {
  await db
    .updateTable('gpt')
    .set({ conversation_count: sql`conversation_count + 1` })
    .where('id', '=', gptId)
    .execute();
}
