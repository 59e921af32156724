import { type Kysely, sql } from 'kysely';

// Frozen. Sessions become server-side records a sign-out, a password change or an admin can end;
// API keys get a scope and an expiry; an admin can disable an account.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('user_session')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('user_session_user_idx').on('user_session').column('user_id').execute();

  await db.schema
    .alterTable('api_key')
    .addColumn('scope', 'text', (col) =>
      col.notNull().defaultTo('full').check(sql`scope in ('chat', 'read', 'full')`),
    )
    .addColumn('expires_at', 'timestamptz')
    .execute();

  await db.schema.alterTable('app_user').addColumn('disabled_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('app_user').dropColumn('disabled_at').execute();
  await db.schema.alterTable('api_key').dropColumn('scope').dropColumn('expires_at').execute();
  await db.schema.dropTable('user_session').execute();
}
