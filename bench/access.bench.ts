import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createDb, migrateToLatest } from '../packages/shared/src/index.js';
import { createDatabase, databaseUrl, dropDatabase } from '../packages/testkit/src/index.js';
import { findGpt, findGptWithAccess } from '../services/gpt-registry/src/db/gpt.repository.js';
import { accessSql } from '../services/gpt-registry/src/db/gpt-access.repository.js';
import {
  REGISTRY_MIGRATION_TABLE,
  registryMigrations,
} from '../services/gpt-registry/src/db/migrations/index.js';
import type { RegistryDatabase } from '../services/gpt-registry/src/db/schema.js';

const USERS = 2000;
const GPTS_PER_USER = 5;
const TEAMS = 40;
const MEMBERS_PER_TEAM = 50;
const ROUNDS = 2000;

/**
 * The GPT access check (src/db/gpt-access.repository.ts) against the ownership check it replaced on
 * GET /api/gpts/:id (findGpt: one row by id and owner, a precompiled statement), on one database seeded
 * with teams: every user with a personal workspace and GPTs, team workspaces, shares and publications.
 * Sequential queries, alternating, median; the ratio is the figure to watch.
 */
export async function run(): Promise<void> {
  const name = `chatty_bench_access_${Date.now()}`;
  await createDatabase(name);
  const db = createDb<RegistryDatabase>(databaseUrl(name), { max: 2 });
  try {
    await migrateToLatest(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE });
    await seed(db);
    const pick = async (query: ReturnType<typeof sql<{ user_id: string; gpt_id: string }>>) =>
      (await query.execute(db)).rows[0]!;
    const owned = await pick(sql`select user_id, id as gpt_id from gpt order by id limit 1`);
    const viaWorkspace = await pick(sql`
      select m.user_id, s.gpt_id from gpt_share s join workspace_member m on m.workspace_id = s.workspace_id
      join gpt g on g.id = s.gpt_id where g.user_id <> m.user_id limit 1`);
    // A member of a team who reaches a teammate's GPT only through the team's catalogue: the share
    // lookup finds nothing, then the publication is checked (with its owner's membership).
    const viaCatalogue = await pick(sql`
      select m.user_id, c.gpt_id from catalogue_entry c
      join workspace w on w.id = c.workspace_id and w.name = 'Catalogue team'
      join workspace_member m on m.workspace_id = c.workspace_id
      join gpt g on g.id = c.gpt_id
      where g.user_id <> m.user_id and not exists (select 1 from gpt_share s where s.gpt_id = c.gpt_id)
      limit 1`);
    const stranger = await pick(sql`
      select u.id as user_id, ${owned.gpt_id}::uuid as gpt_id from app_user u
      where u.id <> ${owned.user_id} and not exists (
        select 1 from workspace_member m where m.user_id = u.id and m.workspace_id in (
          select workspace_id from gpt_share where gpt_id = ${owned.gpt_id})) limit 1`);

    const cases: Array<[string, () => Promise<unknown>]> = [
      ['ownership only (findGpt, before)', () => findGpt(db, owned.user_id, owned.gpt_id)],
      ['access check, owner', () => findGptWithAccess(db, owned.user_id, owned.gpt_id)],
      [
        'access check, shared via workspace',
        () => findGptWithAccess(db, viaWorkspace.user_id, viaWorkspace.gpt_id),
      ],
      [
        'access check, through a catalogue',
        () => findGptWithAccess(db, viaCatalogue.user_id, viaCatalogue.gpt_id),
      ],
      ['access check, no access (404)', () => findGptWithAccess(db, stranger.user_id, stranger.gpt_id)],
    ];
    for (const reached of process.env.BENCH_EXPLAIN ? [viaWorkspace, viaCatalogue] : []) {
      const query = db
        .selectFrom('gpt as g')
        .selectAll('g')
        .select(accessSql(reached.user_id).as('access'))
        .where('g.id', '=', reached.gpt_id)
        .compile();
      const plan = await sql
        .raw(
          `explain analyze ${query.sql.replace(/\$(\d+)/g, (_, n) => `'${query.parameters[Number(n) - 1]}'`)}`,
        )
        .execute(db);
      for (const row of plan.rows as Array<Record<string, string>>) console.log(Object.values(row)[0]);
    }
    const samples: number[][] = cases.map(() => []);
    for (let round = -ROUNDS / 5; round < ROUNDS; round++) {
      // Each round starts with another case, so none always pays for following the others.
      for (let step = 0; step < cases.length; step++) {
        const index = (step + Math.abs(round)) % cases.length;
        const started = performance.now();
        await cases[index]![1]();
        if (round >= 0) samples[index]!.push(performance.now() - started);
      }
    }
    const medians = samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
    console.log(
      `${USERS} users × ${GPTS_PER_USER} GPTs, ${TEAMS} teams × ${MEMBERS_PER_TEAM} members, ` +
        `${ROUNDS} sequential queries each (median)`,
    );
    for (const [index, [label]] of cases.entries()) {
      const ratio = medians[index]! / medians[0]!;
      console.log(
        `${label.padEnd(38)} ${(medians[index]! * 1000).toFixed(0).padStart(6)} µs  ×${ratio.toFixed(2)}`,
      );
    }
  } finally {
    await db.destroy();
    await dropDatabase(name);
  }
}

async function seed(db: ReturnType<typeof createDb<RegistryDatabase>>) {
  await sql`insert into app_user (email, password_hash, role)
    select 'user' || n || '@example.com', 'x', 'user' from generate_series(1, ${USERS}) n`.execute(db);
  await sql`insert into workspace (name, personal_user_id) select 'Personal', id from app_user`.execute(db);
  await sql`insert into workspace (name) select 'Team ' || n from generate_series(1, ${TEAMS}) n`.execute(db);
  await sql`insert into workspace_member (workspace_id, user_id, role)
    select id, personal_user_id, 'owner' from workspace where personal_user_id is not null`.execute(db);
  // Each team: a random sample of members.
  await sql`insert into workspace_member (workspace_id, user_id, role)
    select w.id, u.id, 'member' from workspace w
    cross join lateral (select id from app_user order by random() limit ${MEMBERS_PER_TEAM}) u
    where w.personal_user_id is null on conflict do nothing`.execute(db);
  await sql`insert into gpt (user_id, name, model_id)
    select u.id, 'GPT ' || n, 'phi3' from app_user u cross join generate_series(1, ${GPTS_PER_USER}) n`.execute(
    db,
  );
  await sql`insert into gpt_version (gpt_id, version, snapshot) select id, 1, '{}'::jsonb from gpt`.execute(
    db,
  );
  // A GPT of each team member shared with the team; some to single users; some published.
  await sql`insert into gpt_share (gpt_id, workspace_id, permission)
    select distinct on (m.workspace_id, m.user_id) g.id, m.workspace_id, 'chat'
    from workspace_member m join workspace w on w.id = m.workspace_id and w.personal_user_id is null
    join gpt g on g.user_id = m.user_id`.execute(db);
  await sql`insert into gpt_share (gpt_id, user_id, permission)
    select g.id, (select id from app_user order by random() limit 1), 'edit'
    from gpt g where random() < 0.1 on conflict do nothing`.execute(db);
  await sql`insert into catalogue_entry (workspace_id, gpt_id, version)
    select workspace_id, gpt_id, 1 from gpt_share where workspace_id is not null and random() < 0.3`.execute(
    db,
  );
  // One more team, of users in no other, whose members reach each other's GPTs only through its
  // catalogue: every GPT of theirs is published there, none shared with a workspace.
  await sql`insert into workspace (name) values ('Catalogue team')`.execute(db);
  await sql`insert into workspace_member (workspace_id, user_id, role)
    select (select id from workspace where name = 'Catalogue team'), u.id, 'member' from app_user u
    where not exists (select 1 from workspace_member m join workspace w on w.id = m.workspace_id
      where m.user_id = u.id and w.personal_user_id is null)
    limit ${MEMBERS_PER_TEAM}`.execute(db);
  await sql`insert into catalogue_entry (workspace_id, gpt_id, version)
    select m.workspace_id, g.id, 1 from workspace_member m
    join workspace w on w.id = m.workspace_id and w.name = 'Catalogue team'
    join gpt g on g.user_id = m.user_id`.execute(db);
  await sql`analyze`.execute(db);
}
