import { type NewestFirstPosition, olderThan, pageBy, positionAt } from '@chatty/shared';
import { sql } from 'kysely';
import { containsPattern } from './contains-pattern.js';
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
 * The team workspaces the user may publish a GPT of `ownerId`'s to: those both are in (for the owner,
 * all of theirs). A personal workspace is left out: no one else sees its catalogue.
 */
export async function listPublishTargets(db: Db, userId: string, ownerId: string) {
  return db
    .selectFrom('workspace as w')
    .innerJoin('workspace_member as mine', (join) =>
      join.onRef('mine.workspace_id', '=', 'w.id').on('mine.user_id', '=', userId),
    )
    .innerJoin('workspace_member as owner', (join) =>
      join.onRef('owner.workspace_id', '=', 'w.id').on('owner.user_id', '=', ownerId),
    )
    .select(['w.id', 'w.name'])
    .where('w.personal_user_id', 'is', null)
    .orderBy('w.name')
    .orderBy('w.id')
    .execute();
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

/**
 * The GPT's entry in the workspace's catalogue, when in force (the GPT's owner is in the workspace),
 * with the GPT's owner (`owner_id`).
 */
export async function findEntry(db: Db, workspaceId: string, gptId: string) {
  return db
    .selectFrom('catalogue_entry as c')
    .innerJoin('gpt as g', 'g.id', 'c.gpt_id')
    .selectAll('c')
    .select('g.user_id as owner_id')
    .where('c.workspace_id', '=', workspaceId)
    .where('c.gpt_id', '=', gptId)
    .where(ownerInWorkspaceOf('c', 'g'))
    .executeTakeFirst();
}

/**
 * A page of the workspace's catalogue, newest publication first (then by GPT id, descending), after
 * `after`: each entry's published snapshot (not the draft), its rating and the count of
 * conversations, filtered by a search over name, description and category. Only entries in force: a
 * GPT whose owner is not in the workspace is not offered (gpt-access.repository.ts).
 */
export async function listCatalogue(
  db: Db,
  workspaceId: string,
  userId: string,
  {
    q,
    category,
    limit,
    after,
  }: {
    q?: string | undefined;
    category?: string | undefined;
    limit: number;
    after?: NewestFirstPosition | undefined;
  },
) {
  // The page's entries first; their avatars, publishers and ratings are read for those rows only (in
  // one query, the planner would run the rating subqueries for every entry of the workspace).
  let entries = db
    .selectFrom('catalogue_entry as c')
    .innerJoin('gpt_version as v', (join) =>
      join.onRef('v.gpt_id', '=', 'c.gpt_id').onRef('v.version', '=', 'c.version'),
    )
    .innerJoin('gpt as g', 'g.id', 'c.gpt_id')
    .select([
      'c.workspace_id',
      'c.gpt_id',
      'c.version',
      'c.category',
      'c.published_at',
      'c.published_by',
      sql<string>`v.snapshot->>'name'`.as('name'),
      sql<string>`coalesce(v.snapshot->>'description', '')`.as('description'),
      sql<string>`v.snapshot->>'modelId'`.as('model_id'),
      'v.avatar_sha256',
      'g.conversation_count',
      sql<boolean>`g.user_id = ${userId}`.as('yours'),
      positionAt('c.published_at'),
    ])
    .where('c.workspace_id', '=', workspaceId)
    .where(ownerInWorkspaceOf('c', 'g'))
    .orderBy('c.published_at', 'desc')
    .orderBy('c.gpt_id', 'desc')
    .limit(limit + 1);
  if (after) entries = entries.where(olderThan(after, 'c.published_at', 'c.gpt_id'));
  if (q) {
    const pattern = containsPattern(q);
    entries = entries.where(
      sql<boolean>`(v.snapshot->>'name' ilike ${pattern} or v.snapshot->>'description' ilike ${pattern} or c.category ilike ${pattern})`,
    );
  }
  if (category) entries = entries.where(sql<boolean>`lower(c.category) = lower(${category})`);
  const rows = await db
    .selectFrom(entries.as('e'))
    .leftJoin('gpt_avatar as a', (join) =>
      join.onRef('a.gpt_id', '=', 'e.gpt_id').onRef('a.sha256', '=', 'e.avatar_sha256'),
    )
    .leftJoin('app_user as p', 'p.id', 'e.published_by')
    .select([
      'e.gpt_id',
      'e.version',
      'e.category',
      'e.published_at',
      'e.name',
      'e.description',
      'e.model_id',
      'e.conversation_count',
      'e.yours',
      'e.position_at',
      'p.name as publisher_name',
      'p.email as publisher_email',
      'a.data_url as avatar',
      sql<number>`(select count(*)::int from catalogue_review r where r.workspace_id = e.workspace_id and r.gpt_id = e.gpt_id)`.as(
        'rating_count',
      ),
      sql<
        number | null
      >`(select round(avg(r.rating), 2)::float from catalogue_review r where r.workspace_id = e.workspace_id and r.gpt_id = e.gpt_id)`.as(
        'rating_average',
      ),
      sql<
        number | null
      >`(select r.rating from catalogue_review r where r.workspace_id = e.workspace_id and r.gpt_id = e.gpt_id and r.user_id = ${userId})`.as(
        'my_rating',
      ),
    ])
    .orderBy('e.published_at', 'desc')
    .orderBy('e.gpt_id', 'desc')
    .execute();
  return pageBy(rows, limit, (row) => row.gpt_id);
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

const reviews = (db: Db, workspaceId: string, gptId: string) =>
  db
    .selectFrom('catalogue_review as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .select(['r.user_id', 'u.name', 'u.email', 'r.rating', 'r.review', 'r.updated_at'])
    .where('r.workspace_id', '=', workspaceId)
    .where('r.gpt_id', '=', gptId);

/**
 * A page of an entry's reviews, the latest written first (then by reviewer id, descending), after
 * `after`. A review written again moves to the front: one rewritten while someone pages is not
 * listed again.
 */
export async function listReviews(
  db: Db,
  workspaceId: string,
  gptId: string,
  { limit, after }: { limit: number; after?: NewestFirstPosition | undefined },
) {
  let query = reviews(db, workspaceId, gptId)
    .select(positionAt('r.updated_at'))
    .orderBy('r.updated_at', 'desc')
    .orderBy('r.user_id', 'desc')
    .limit(limit + 1);
  if (after) query = query.where(olderThan(after, 'r.updated_at', 'r.user_id'));
  return pageBy(await query.execute(), limit, (row) => row.user_id);
}

/** One member's review of the entry, with their name and email. */
export async function findReview(db: Db, workspaceId: string, gptId: string, userId: string) {
  return reviews(db, workspaceId, gptId).where('r.user_id', '=', userId).executeTakeFirst();
}

export async function countConversation(db: Db, gptId: string): Promise<void> {
  await db
    .updateTable('gpt')
    .set({ conversation_count: sql`conversation_count + 1` })
    .where('id', '=', gptId)
    .execute();
}
