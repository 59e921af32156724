import { type Kysely, sql } from 'kysely';

// Frozen. Invitations to make an account, by an admin, so a server with sign-up closed can let a
// person in without the admin choosing their password. Only the SHA-256 of a link's token is kept.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_invitation')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('admin', 'user')`))
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('invited_by', 'uuid', (col) => col.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('accepted_user_id', 'uuid', (col) => col.references('app_user.id').onDelete('set null'))
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  // At most one invitation per address can be used: a new one revokes the earlier ones.
  await sql`create unique index account_invitation_pending_email_key on account_invitation (email)
    where accepted_at is null and revoked_at is null`.execute(db);

  // Accounts an admin created before this had no personal workspace; every account has one.
  await sql`
    insert into workspace (name, personal_user_id)
    select 'Personal', u.id from app_user u
    where not exists (select 1 from workspace w where w.personal_user_id = u.id)`.execute(db);
  await sql`
    insert into workspace_member (workspace_id, user_id, role)
    select w.id, w.personal_user_id, 'owner' from workspace w
    where w.personal_user_id is not null
      and not exists (
        select 1 from workspace_member m where m.workspace_id = w.id and m.user_id = w.personal_user_id
      )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_invitation').execute();
}
