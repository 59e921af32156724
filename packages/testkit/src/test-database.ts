import pg from 'pg';

/** A server where tests may create and drop databases; never the developer's `chatty` database. */
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const TEST_DATABASE_PREFIX = 'chatty_test_';
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Names carry their creation time, so a crashed run's leftovers can be recognised and dropped. */
export function testDatabaseName(role: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${TEST_DATABASE_PREFIX}${role}_${Date.now()}_${random}`;
}

export async function createDatabase(name: string, template?: string): Promise<void> {
  const from = template ? ` TEMPLATE "${template}"` : '';
  await withAdmin(async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}"${from}`);
        return;
      } catch (error) {
        // 55006: the template is busy with another clone; clones are quick, so wait and retry.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Drops test databases that earlier, interrupted runs left behind. */
export async function dropStaleTestDatabases(): Promise<void> {
  const names = await withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${TEST_DATABASE_PREFIX}%`],
    );
    return rows.map((row) => row.datname);
  });
  for (const name of names) {
    const createdAt = Number(/_(\d{13})_/.exec(name)?.[1]);
    if (createdAt && Date.now() - createdAt > STALE_AFTER_MS) await dropDatabase(name);
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from a migrated template in milliseconds. */
export async function cloneTestDatabase(template: string): Promise<TestDatabase> {
  const name = testDatabaseName('file');
  await createDatabase(name, template);
  return { name, url: databaseUrl(name), drop: () => dropDatabase(name) };
}
