import { createHash } from 'node:crypto';
import type { CompiledQuery, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * Named prepared statements for the hot lookups (a GPT by owner, a chat session with its history).
 * Sent unnamed, each query is parsed and planned by Postgres every time: measured on one connection,
 * a GPT row by id and owner cost Postgres 150 µs of CPU unnamed and 67 µs prepared, and Node 12 %
 * less. Named, it is parsed once per connection and then only bound and run.
 *
 * A statement is declared once (`prepared(query.compile())`, at module load or on first use) and then
 * run through Kysely as usual; the pool behind `createDb` sends the declared SQL texts by name.
 * The name is a hash of the text, so two modules declaring the same SQL share one statement and no
 * two texts can claim one name.
 *
 * A prepared statement's result columns are fixed when it is parsed. `select *` would fail on every
 * connection that prepared it once a migration adds a column ("cached plan must not change result
 * type"), so declared statements must name their columns; `prepared` refuses one that does not.
 * Behind PgBouncer in transaction mode, set `max_prepared_statements` (PgBouncer ≥ 1.21).
 */
const declared = new Map<string, string>();

/** `select *`, `select t.*`, `returning *`, `, *`: every column; not `count(*)` nor `a * b`. */
const SELECTS_EVERY_COLUMN = /(\bselect(\s+distinct)?|\breturning|,)\s*\*|\.\*/i;

/** Declares `query`'s SQL as a named prepared statement; answers the query unchanged. */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  if (declared.has(query.sql)) return query;
  if (SELECTS_EVERY_COLUMN.test(query.sql)) {
    throw new Error(`a prepared statement must name its columns, not select *: ${query.sql}`);
  }
  declared.set(query.sql, `chatty_${createHash('sha1').update(query.sql).digest('hex').slice(0, 20)}`);
  return query;
}

/** Stands for the argument at `index` while a statement is built once; see `preparedStatement`. */
class ArgumentSlot {
  constructor(readonly index: number) {}
}

/** Where each compiled parameter comes from: an argument of the call, or a constant of the build. */
type ParameterSource = { argument: number } | { constant: unknown };

/**
 * A hot lookup compiled once per database handle and run with new arguments. Building and compiling
 * a Kysely query costs about 5 µs a call, a noticeable share of a cached read's own CPU; the SQL
 * never changes, so only the parameters need binding.
 *
 * `build` is called once per handle with placeholders for its arguments, which must each be used as
 * a value (a parameter of the SQL), never to choose the query's shape: a branch on an argument would
 * see the placeholder, not the value. The statement is declared with `prepared`.
 */
export function preparedStatement<D extends object, A extends unknown[], R>(
  build: (db: D, ...args: A) => CompiledQuery<R>,
): (db: D, ...args: A) => CompiledQuery<R> {
  const compiled = new WeakMap<D, { statement: CompiledQuery<R>; sources: ParameterSource[] }>();
  return (db, ...args) => {
    let entry = compiled.get(db);
    if (!entry) {
      const slots = args.map((_, index) => new ArgumentSlot(index));
      const statement = prepared(build(db, ...(slots as A)));
      const sources = statement.parameters.map(
        (parameter): ParameterSource =>
          parameter instanceof ArgumentSlot ? { argument: parameter.index } : { constant: parameter },
      );
      const bound = new Set(sources.flatMap((source) => ('argument' in source ? [source.argument] : [])));
      if (bound.size !== args.length) {
        throw new Error(`every argument of a prepared statement must be a parameter of it: ${statement.sql}`);
      }
      entry = { statement, sources };
      compiled.set(db, entry);
    }
    const parameters = entry.sources.map((source) =>
      'argument' in source ? args[source.argument] : source.constant,
    );
    return { ...entry.statement, parameters };
  };
}

/** The statement name `sql` is sent under, or undefined when it is sent unnamed. */
export const preparedName = (sql: string): string | undefined => declared.get(sql);

/**
 * `pool` as Kysely's dialect wants it, sending declared statements by name. Kysely keys its
 * connections by client object, so each pg client gets one wrapper for its life.
 */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = (textOrCursor: string | pg.Submittable, values?: unknown[]) => {
      // Kysely's streaming passes a cursor object; only plain SQL can be named.
      if (typeof textOrCursor !== 'string') return client.query(textOrCursor);
      const name = declared.get(textOrCursor);
      return name === undefined
        ? client.query(textOrCursor, values)
        : client.query({ name, text: textOrCursor, values });
    };
    return {
      query: query as unknown as PostgresPoolClient['query'],
      release: (destroy?: boolean) => client.release(destroy),
    };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
