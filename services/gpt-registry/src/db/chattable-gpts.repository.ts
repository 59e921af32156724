import { sql } from 'kysely';
import { accessSql, type GptAccess, ownerInWorkspaceOf, workspacesOf } from './gpt-access.repository.js';
import type { Db } from './index.js';

/** `/v1/models` has no pages: the newest this many. */
const MOST = 1000;

export interface ChattableGpt {
  id: string;
  name: string;
  description: string;
  model_id: string;
  created_at: Date;
  access: GptAccess;
}

/**
 * Every GPT the user may chat with, newest first, with their access to it: their own, those shared
 * with them or a workspace of theirs, and those in a catalogue of theirs. `accessSql` has the last
 * word on each (the same test as a chat turn's), so a GPT is listed exactly when the user may chat
 * with it. A catalogue's GPT is described as its published version, the one the user chats with (as
 * `seenAs` shows it). `gptId` narrows the list to that one GPT.
 */
export async function listChattableGpts(db: Db, userId: string, gptId?: string): Promise<ChattableGpt[]> {
  const workspaces = workspacesOf(userId);
  // The candidates by index (a union: an OR of the three would scan every GPT); accessSql then sorts
  // out those it does not count (a publication whose owner left the workspace, ...).
  const candidates = db
    .selectFrom('gpt')
    .select('id as gpt_id')
    .where('user_id', '=', userId)
    .union(
      db
        .selectFrom('gpt_share')
        .select('gpt_id')
        .where(sql<boolean>`(user_id = ${userId} or workspace_id in ${workspaces})`),
    )
    .union(
      db.selectFrom('catalogue_entry').select('gpt_id').where(sql<boolean>`workspace_id in ${workspaces}`),
    );
  const rows = await db
    // Materialized, so the access subqueries run once per GPT rather than again in the outer filter.
    .with(
      (cte) => cte('reach').materialized(),
      (db) => {
        let reach = db
          .selectFrom('gpt as g')
          .select(['g.id', 'g.user_id', 'g.name', 'g.description', 'g.model_id', 'g.created_at'])
          .select(accessSql(userId).as('access'))
          .where('g.id', 'in', candidates)
          .where('g.deleting_at', 'is', null);
        if (gptId !== undefined) reach = reach.where('g.id', '=', gptId);
        return reach;
      },
    )
    .selectFrom('reach as r')
    // The newest publication in force in a workspace of theirs, as findPublishedFor picks it.
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('catalogue_entry as c')
          .innerJoin('gpt_version as v', (join) =>
            join.onRef('v.gpt_id', '=', 'c.gpt_id').onRef('v.version', '=', 'c.version'),
          )
          .select([
            sql<string>`v.snapshot->>'name'`.as('name'),
            sql<string>`coalesce(v.snapshot->>'description', '')`.as('description'),
            sql<string>`v.snapshot->>'modelId'`.as('model_id'),
          ])
          .whereRef('c.gpt_id', '=', 'r.id')
          .where(sql<boolean>`c.workspace_id in ${workspaces}`)
          .where(ownerInWorkspaceOf('c', 'r'))
          .orderBy('c.published_at', 'desc')
          .limit(1)
          .as('p'),
      (join) => join.on(sql<boolean>`r.access = 'catalogue'`),
    )
    .select([
      'r.id',
      'r.created_at',
      sql<GptAccess>`r.access`.as('access'),
      sql<string>`coalesce(p.name, r.name)`.as('name'),
      sql<string>`coalesce(p.description, r.description)`.as('description'),
      sql<string>`coalesce(p.model_id, r.model_id)`.as('model_id'),
    ])
    .where('r.access', 'is not', null)
    // A catalogue's GPT without a published version to show is not one to chat with (seenAs: 404).
    .where(sql<boolean>`(r.access <> 'catalogue' or p.name is not null)`)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(MOST)
    .execute();
  return rows;
}
