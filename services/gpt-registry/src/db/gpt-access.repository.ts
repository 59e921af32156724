import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * How far a user may go with a GPT, weakest first:
 * - catalogue: it is published to a workspace they are in, and its owner is in too (the owner decides
 *   who reaches their knowledge and actions: a publication where the owner is not, made by an editor
 *   before that was refused or left behind when the owner left, grants nothing); they see and chat
 *   with the published version;
 * - chat: shared with them as "can chat", or with a workspace they are in while its owner is in it too
 *   (the same rule as a publication's: a share to a workspace the owner has left grants nothing, and
 *   holds again when they come back; a share to a person is the owner's word for that person alone);
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
 * A condition on a share `share` of the GPT `gpt` (SQL aliases): it reaches the user — made to them, or
 * to a workspace both they and the GPT's owner are in. Both workspace lists are subqueries the planner
 * hashes once per GPT (each one lookup by workspace_member's user index), which cost the access check
 * about 5 % over the caller's list alone; counting the two members per share row instead, as
 * publications are checked below, made the shared case 40 % slower (a lookup per share row: a GPT is
 * shared with many workspaces in bench/access.bench.ts).
 */
export const shareReaches = (share: string, gpt: string, userId: string) => {
  const workspace = sql.ref(`${share}.workspace_id`);
  return sql<boolean>`(${sql.ref(`${share}.user_id`)} = ${userId}
    or (${workspace} in ${workspacesOf(userId)}
      and ${workspace} in (select workspace_id from workspace_member where user_id = ${sql.ref(`${gpt}.user_id`)})))`;
};

/**
 * The caller's access to a GPT row `g` as SQL (null when none): the shares that reach them, directly
 * or through a workspace (`shareReaches`), are read once (by the GPT's index) and the strongest wins.
 * A publication counts only when both the caller and the GPT's owner are in its workspace: the two
 * rows of one lookup by workspace_member's key (the owner's own GPT is the first case, so they are two
 * people). That is a correlated subquery the planner leaves alone: planning is most of this query's
 * cost, and the same test as two semi-joins made every access check a third slower
 * (bench/access.bench.ts).
 */
export const accessSql = (userId: string) => sql<GptAccess | null>`case
  when g.user_id = ${userId} then 'owner'
  else coalesce(
    (select case when bool_or(s.permission = 'edit') then 'edit' else 'chat' end
      from gpt_share s
      where s.gpt_id = g.id and ${shareReaches('s', 'g', userId)}
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
