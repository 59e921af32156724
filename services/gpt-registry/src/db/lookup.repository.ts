import type { Db } from './index.js';

/** Users by id, with only what a report shows of them. */
export const usersByIds = (db: Db, ids: string[]) =>
  ids.length
    ? db.selectFrom('app_user').select(['id', 'email', 'name', 'role']).where('id', 'in', ids).execute()
    : Promise.resolve([]);

/** GPTs' names by id, whoever owns them. */
export const gptNamesByIds = (db: Db, ids: string[]) =>
  ids.length
    ? db.selectFrom('gpt').select(['id', 'name', 'user_id']).where('id', 'in', ids).execute()
    : Promise.resolve([]);
