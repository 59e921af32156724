import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * How far a user may go with a GPT, weakest first:
 * - catalogue: it is published to a workspace they are in, and its owner is in too (the owner decides
 *   who reaches their knowledge and actions: a publication where the owner is not, made by an editor
 *   before that was refused or left behind when the owner left, grants nothing); they see and chat
 *   with the published version;
 * - chat: shared with them (or a workspace of theirs) as "can chat";
 * - edit: shared as "can edit": they change its configuration and see its versions;
 * - owner: theirs; only the owner manages knowledge files, actions, shares, and deletes it.
 * Checked on every request from the database, so removing access takes effect at once. (The gateway
 * holds a chat turn's answer only while the database's change notices vouch for it: GPT_CHANGE_NOTICES.)
 */
export type GptAccess = 'catalogue' | 'chat' | 'edit' | 'owner';

const RANK: Record<GptAccess, number> = { catalogue: 0, chat: 1, edit: 2, owner: 3 };

/** Whether `access` allows what `needed` does. */
export const atLeast = (access: GptAccess, needed: GptAccess) => RANK[access] >= RANK[needed];

/** The workspaces the user is a member of, as a subquery. */
export const workspacesOf = (userId: string) =>
  sql`(select workspace_id from workspace_member where user_id = ${userId})`;

/**
 * A condition on a catalogue entry `entry` of the GPT `gpt` (SQL aliases): the GPT's owner is a member
 * of the entry's workspace, so the publication is in force (one lookup by workspace_member's key).
 */
export const ownerInWorkspaceOf = (entry: string, gpt: string) =>
  sql<boolean>`exists (select 1 from workspace_member owner_member
    where owner_member.workspace_id = ${sql.ref(`${entry}.workspace_id`)}
      and owner_member.user_id = ${sql.ref(`${gpt}.user_id`)})`;

/**
 * The caller's access to a GPT row `g` as SQL (null when none): the shares that reach them, directly
 * or through a workspace, are read once (by the GPT's index) and the strongest wins. A publication
 * counts only when both the caller and the GPT's owner are in its workspace: the two rows of one
 * lookup by workspace_member's key (the owner's own GPT is the first case, so they are two people).
 * That is a correlated subquery the planner leaves alone: planning is most of this query's cost, and
 * the same test as two semi-joins made every access check a third slower (bench/access.bench.ts).
 */
export const accessSql = (userId: string) => sql<GptAccess | null>`case
  when g.user_id = ${userId} then 'owner'
  else coalesce(
    (select case when bool_or(s.permission = 'edit') then 'edit' else 'chat' end
      from gpt_share s
      where s.gpt_id = g.id and (s.user_id = ${userId} or s.workspace_id in ${workspacesOf(userId)})
      having count(*) > 0),
    (select 'catalogue' from catalogue_entry c
      where c.gpt_id = g.id
        and (select count(*) from workspace_member m
          where m.workspace_id = c.workspace_id and m.user_id in (${userId}, g.user_id)) = 2
      limit 1))
end`;

/** A condition on a GPT id column: the user has at least `needed` access to it. */
export function gptReachable(userId: string, gptIdColumn: string, needed: GptAccess): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from gpt g where g.id = ${sql.ref(gptIdColumn)} and (${accessSql(
    userId,
  )}) in (${sql.join(accessAtLeast(needed))}))`;
}

const accessAtLeast = (needed: GptAccess) =>
  (Object.keys(RANK) as GptAccess[]).filter((access) => atLeast(access, needed));
