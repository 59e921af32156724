import { cloneTestDatabase, type TestDatabase } from '@chatty/testkit';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ChangeNotices, DATABASE_IDENTITY_SQL, EVERYTHING_CHANGED } from '../src/db/change-notices.js';
import { NoticedAnswers } from '../src/db/noticed-answers.js';
import { createLogger } from '../src/logger.js';

/*
 * Notices from a database's triggers, heard on a connection of their own, against the real Postgres:
 * while `live`, every committed change is heard; whenever one may have been missed, `live` is false
 * until the channel is heard again, and then `*` says to forget everything.
 */
const log = createLogger({ name: 'change-notices-test', level: 'silent' });
const CHANNEL = 'test_changes';
let database: TestDatabase;
let admin: pg.Client;
const open: ChangeNotices[] = [];

async function eventually(check: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function listen(name: string, requires = 'test_notify') {
  const notices = new ChangeNotices({
    url: database.url,
    name,
    channel: CHANNEL,
    requires,
    logger: log,
    retryMs: 50,
    heartbeatMs: 100,
  });
  const heard: string[] = [];
  notices.onNotice((payload) => heard.push(payload));
  notices.start();
  open.push(notices);
  return { notices, heard };
}

beforeAll(async () => {
  database = await cloneTestDatabase(inject('templateDatabase'));
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`create table thing (id text primary key, value text)`);
  await admin.query(`create function test_notify() returns trigger language plpgsql as $$
    begin perform pg_notify('${CHANNEL}', new.id); return null; end $$`);
  await admin.query(`create trigger thing_changed after insert or update on thing
    for each row execute function test_notify()`);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((notices) => notices.close()));
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

describe('ChangeNotices', () => {
  it('hears each committed change, after its commit, and names its database as the database does', async () => {
    const { notices, heard } = listen('notices-commit');
    await eventually(() => notices.live, 'live');
    expect(heard).toEqual([EVERYTHING_CHANGED]);
    const { rows } = await admin.query(`select ${DATABASE_IDENTITY_SQL} as identity`);
    expect(notices.database).toBe(rows[0].identity);

    await admin.query('begin');
    await admin.query(`insert into thing values ('a', '1')`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual([EVERYTHING_CHANGED]);
    const before = notices.seq;
    await admin.query('commit');
    await eventually(() => heard.length === 2, 'the commit is heard');
    expect(heard[1]).toBe('a');
    expect(notices.seq).toBeGreaterThan(before);
  });

  it('syncs: every change committed before sync() is heard when it resolves, for many callers at once', async () => {
    const { notices, heard } = listen('notices-sync');
    await eventually(() => notices.live, 'live');
    for (let round = 0; round < 20; round++) {
      await admin.query(`insert into thing values ('s${round}', '1')`);
      await Promise.all([notices.sync(), notices.sync(), notices.sync()]);
      expect(heard.at(-1)).toBe(`s${round}`);
    }
  });

  it('vouches for nothing in a database whose triggers are missing', async () => {
    const { notices, heard } = listen('notices-missing', 'no_such_function');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await admin.query(`insert into thing values ('b', '1')`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notices.live).toBe(false);
    expect(heard).toEqual([]);
  });

  it('is not live while its connection is lost, then hears again and says to forget everything', async () => {
    const { notices, heard } = listen('notices-lost');
    await eventually(() => notices.live, 'live');
    const seq = notices.seq;
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()`,
      ['notices-lost'],
    );
    await eventually(() => !notices.live, 'the loss is seen');
    expect(notices.seq).toBeGreaterThan(seq);
    await eventually(() => notices.live, 'live again');
    expect(heard).toEqual([EVERYTHING_CHANGED, EVERYTHING_CHANGED]);
    await admin.query(`insert into thing values ('c', '1')`);
    await eventually(() => heard.at(-1) === 'c', 'a change after the return is heard');
  });
});

describe('answers held while the notices vouch for them', () => {
  const limits = { keys: 100, perKey: 10, maxAgeMs: 60_000 };

  it("forgets an object's answers at its change's notice, and holds nothing read across one", async () => {
    const { notices } = listen('answers-notices');
    await eventually(() => notices.live, 'live');
    const answers = new NoticedAnswers<string>(notices, limits);
    answers.hold(answers.mark(), 'h1', 'reader', 'before');
    expect(await answers.get('h1', 'reader')).toBe('before');

    // A change committed before the next get() is heard by it, without waiting for anything else.
    await admin.query(`insert into thing values ('h1', '1')`);
    expect(await answers.get('h1', 'reader')).toBeUndefined();

    const mark = answers.mark();
    await admin.query(`insert into thing values ('h2', '1')`);
    await notices.sync();
    answers.hold(mark, 'h1', 'reader', 'read before a change');
    expect(await answers.get('h1', 'reader')).toBeUndefined();
  });

  it('keeps the answers within their byte limit, the least recently held first, and never one too large', async () => {
    const { notices } = listen('answers-bytes');
    await eventually(() => notices.live, 'live');
    const answers = new NoticedAnswers<string>(notices, {
      ...limits,
      bytes: { limit: 1000, sizeOf: (value: string) => value.length },
    });
    for (const key of ['k1', 'k2', 'k3']) answers.hold(answers.mark(), key, 'reader', 'x'.repeat(90));
    answers.hold(answers.mark(), 'k1', 'other', 'y'.repeat(90));
    expect(answers.heldSize).toBe(360);

    answers.hold(answers.mark(), 'big', 'reader', 'z'.repeat(101));
    expect(await answers.get('big', 'reader')).toBeUndefined();

    // Eight more keys of 90 pass 1 000, so the oldest key goes, both of its answers.
    for (let i = 4; i <= 11; i++) answers.hold(answers.mark(), `k${i}`, 'reader', 'x'.repeat(90));
    expect(answers.heldSize).toBeLessThanOrEqual(1000);
    expect(await answers.get('k1', 'reader')).toBeUndefined();
    expect(await answers.get('k1', 'other')).toBeUndefined();
    expect(await answers.get('k2', 'reader')).toBe('x'.repeat(90));
    expect(await answers.get('k11', 'reader')).toBe('x'.repeat(90));

    // A notice forgets a key's bytes with its answers.
    const before = answers.heldSize;
    await admin.query(`insert into thing values ('k11', '1')`);
    await notices.sync();
    expect(answers.heldSize).toBe(before - 90);
  });
});
