import { type NewestFirstPosition, olderThan, pageOf, positionAt } from '@chatty/shared';
import { sql } from 'kysely';
import { accessSql, shareReaches, workspacesOf } from './gpt-access.repository.js';
import type { Db } from './index.js';
import type { SharePermission } from './schema.js';

/**
 * A GPT's shares, oldest first, each with whether it is in force: a share to a workspace grants
 * nothing while the GPT's owner is not a member of it (gpt-access.repository.ts).
 */
export async function listShares(db: Db, gptId: string) {
  return db
    .selectFrom('gpt_share as s')
    .innerJoin('gpt as g', 'g.id', 's.gpt_id')
    .leftJoin('workspace as w', 'w.id', 's.workspace_id')
    .leftJoin('app_user as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.permission',
      's.created_at',
      's.workspace_id',
      'w.name as workspace_name',
      's.user_id',
      'u.email as user_email',
      'u.name as user_name',
      sql<boolean>`s.workspace_id is null or exists (select 1 from workspace_member m
        where m.workspace_id = s.workspace_id and m.user_id = g.user_id)`.as('in_force'),
    ])
    .where('s.gpt_id', '=', gptId)
    .orderBy('s.created_at')
    .execute();
}

/** Shares the GPT, or changes the permission of an existing share with the same grantee. */
export async function upsertShare(
  db: Db,
  share: { gptId: string; permission: SharePermission } & ({ workspaceId: string } | { userId: string }),
) {
  const grantee = 'workspaceId' in share ? 'workspace_id' : 'user_id';
  const granteeId = 'workspaceId' in share ? share.workspaceId : share.userId;
  return db
    .insertInto('gpt_share')
    .values({
      gpt_id: share.gptId,
      permission: share.permission,
      workspace_id: grantee === 'workspace_id' ? granteeId : null,
      user_id: grantee === 'user_id' ? granteeId : null,
    })
    .onConflict((oc) =>
      oc
        .columns(['gpt_id', grantee])
        .where(grantee, 'is not', null)
        .doUpdateSet({ permission: share.permission }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function deleteShare(db: Db, gptId: string, shareId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('gpt_share')
    .where('gpt_id', '=', gptId)
    .where('id', '=', shareId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** A user the owner may name in a share: someone who is in one of the owner's workspaces. */
export async function findColleagueByEmail(db: Db, ownerId: string, email: string) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('workspace_member as m', 'm.user_id', 'u.id')
    .select(['u.id'])
    .where(sql<boolean>`lower(u.email) = ${email.toLowerCase()}`)
    .where(sql<boolean>`m.workspace_id in ${workspacesOf(ownerId)}`)
    .executeTakeFirst();
}

/**
 * GPTs others shared with the user (directly, or through a workspace the owner is in too: the shares
 * that give access, gpt-access.repository.ts), with the access each gives: a page, newest GPT first.
 */
export async function listSharedWithUser(
  db: Db,
  userId: string,
  { limit, after }: { limit: number; after?: NewestFirstPosition },
) {
  let query = db
    .selectFrom('gpt as g')
    .selectAll('g')
    .select(positionAt('g.created_at'))
    .select(accessSql(userId).as('access'))
    .where('g.user_id', '!=', userId)
    .where(
      sql<boolean>`exists (select 1 from gpt_share s where s.gpt_id = g.id and ${shareReaches('s', 'g', userId)})`,
    )
    .orderBy('g.created_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(limit + 1);
  if (after) query = query.where(olderThan(after, 'g.created_at', 'g.id'));
  return pageOf(await query.execute(), limit);
}
