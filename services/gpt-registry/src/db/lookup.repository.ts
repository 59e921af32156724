import type { Db } from './index.js';

/** Users by id, with only what a report shows of them. */
export const usersByIds = (db: Db, ids: string[]) =>
  ids.length
    ? db.selectFrom('app_user').select(['id', 'email', 'name', 'role']).where('id', 'in', ids).execute()
    : Promise.resolve([]);

/**
 * GPTs' names by id, whoever owns them; one being deleted is gone already (the gateway stops the
 * answers in flight of GPTs this leaves out).
 */
export const gptNamesByIds = (db: Db, ids: string[]) =>
  ids.length
    ? db
        .selectFrom('gpt')
        .select(['id', 'name', 'user_id'])
        .where('id', 'in', ids)
        .where('deleting_at', 'is', null)
        .execute()
    : Promise.resolve([]);
