import { cloneTestDatabase, type TestDatabase } from '@chatty/testkit';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../src/db/create-db.js';
import { prepared, preparedName, preparedStatement } from '../src/db/prepared-statements.js';

/*
 * Declared statements go to the real Postgres by name, are parsed once per connection, and keep
 * working when a migration adds a column under them; everything else is sent unnamed as before.
 */
interface TestSchema {
  thing: { id: string; label: string };
}
let database: TestDatabase;
let admin: pg.Client;
let db: Kysely<TestSchema>;

/** The statements prepared on the pool's one connection, as Postgres lists them. */
async function preparedOnConnection(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(
    db,
  );
  return rows.map((row) => row.name);
}

const byId = (id: string) => db.selectFrom('thing').select(['id', 'label']).where('id', '=', id).compile();

beforeAll(async () => {
  database = await cloneTestDatabase(inject('templateDatabase'));
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`create table thing (id text primary key, label text not null)`);
  await admin.query(`insert into thing values ('a', 'first'), ('b', 'second')`);
  // One connection, so what one query prepared is what the next one sees.
  db = createDb<TestSchema>(database.url, { max: 1 });
});
afterAll(async () => {
  await db?.destroy();
  await admin?.end();
  await database?.drop();
});

describe('prepared statements', () => {
  it('sends a declared statement by name, once parsed per connection, with new parameters each time', async () => {
    const name = preparedName(prepared(byId('a')).sql);
    expect(name).toMatch(/^chatty_[0-9a-f]{20}$/);
    expect(await preparedOnConnection()).not.toContain(name);

    expect((await db.executeQuery(byId('a'))).rows).toEqual([{ id: 'a', label: 'first' }]);
    expect((await db.executeQuery(byId('b'))).rows).toEqual([{ id: 'b', label: 'second' }]);
    expect((await db.executeQuery(byId('none'))).rows).toEqual([]);
    expect((await preparedOnConnection()).filter((each) => each === name)).toHaveLength(1);
  });

  it('sends undeclared SQL unnamed: nothing is left prepared for it', async () => {
    const before = await preparedOnConnection();
    await db.selectFrom('thing').select('label').where('id', '=', 'a').execute();
    expect(await preparedOnConnection()).toEqual(before);
  });

  it('keeps answering after a migration adds a column to the table under it, and inside transactions', async () => {
    prepared(byId('a'));
    await db.executeQuery(byId('a'));
    await admin.query(`alter table thing add column added_later text default 'x'`);
    expect((await db.executeQuery(byId('a'))).rows).toEqual([{ id: 'a', label: 'first' }]);

    const inTransaction = await db.transaction().execute(async (trx) => {
      await trx.updateTable('thing').set({ label: 'changed' }).where('id', '=', 'b').execute();
      return (await trx.executeQuery(byId('b'))).rows;
    });
    expect(inTransaction).toEqual([{ id: 'b', label: 'changed' }]);
  });

  it('refuses a statement that selects every column, which a migration adding one would break', () => {
    expect(() => prepared(db.selectFrom('thing').selectAll().compile())).toThrow(/name its columns/);
    expect(() => prepared(db.selectFrom('thing as t').selectAll('t').compile())).toThrow(/name its columns/);
    expect(() =>
      prepared(db.insertInto('thing').values({ id: 'c', label: 'third' }).returningAll().compile()),
    ).toThrow(/name its columns/);
    expect(() => prepared(db.selectFrom('thing').select(sql`count(*)`.as('n')).compile())).not.toThrow();
    expect(() =>
      prepared(db.selectFrom('thing').select(sql`length(id) * 2`.as('twice')).compile()),
    ).not.toThrow();
  });

  it('shares one name between identical texts and gives different texts different names', () => {
    const first = preparedName(prepared(byId('a')).sql);
    expect(preparedName(prepared(byId('z')).sql)).toBe(first);
    const other = prepared(db.selectFrom('thing').select('label').where('label', '=', 'x').compile());
    expect(preparedName(other.sql)).not.toBe(first);
  });

  it('compiles a prepared statement once per handle and binds each call its own arguments', async () => {
    let builds = 0;
    const labelled = preparedStatement((handle: Kysely<TestSchema>, label: string, id: string) => {
      builds += 1;
      return handle
        .selectFrom('thing')
        .select('id')
        .where('label', '=', label)
        .where('id', '=', id)
        .where('label', '!=', 'never')
        .compile();
    });
    expect((await db.executeQuery(labelled(db, 'first', 'a'))).rows).toEqual([{ id: 'a' }]);
    expect((await db.executeQuery(labelled(db, 'first', 'b'))).rows).toEqual([]);
    expect((await db.executeQuery(labelled(db, 'second', 'a'))).rows).toEqual([]);
    expect(labelled(db, 'x', 'y').parameters).toEqual(['x', 'y', 'never']);
    expect(builds).toBe(1);
    expect(preparedName(labelled(db, 'x', 'y').sql)).toMatch(/^chatty_/);

    const inTransaction = await db
      .transaction()
      .execute(async (trx) => (await trx.executeQuery(labelled(trx, 'first', 'a'))).rows);
    expect(inTransaction).toEqual([{ id: 'a' }]);
    expect(builds).toBe(2);
  });

  it('refuses a prepared statement with an argument that is not a parameter of its SQL', () => {
    const ignoresAnArgument = preparedStatement((handle: Kysely<TestSchema>, id: string, _label: string) =>
      handle.selectFrom('thing').select('id').where('id', '=', id).compile(),
    );
    expect(() => ignoresAnArgument(db, 'a', 'first')).toThrow(/must be a parameter/);
  });
});
