import { type Kysely, sql } from 'kysely';

// Frozen. Teams: workspaces with members and invitations, GPTs shared with a workspace or a user,
// versions that name their author, and each workspace's catalogue of published GPTs with reviews.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspace')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (col) => col.notNull())
    // Set for the personal workspace every account has (one each); null for a team.
    .addColumn('personal_user_id', 'uuid', (col) =>
      col.unique().references('app_user.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('workspace_member')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('owner', 'admin', 'member')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('workspace_member_pkey', ['workspace_id', 'user_id'])
    .execute();
  // Every access check asks "which workspaces is this user in".
  await db.schema.createIndex('workspace_member_user_idx').on('workspace_member').column('user_id').execute();

  await db.schema
    .createTable('workspace_invitation')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('admin', 'member')`))
    // Only the SHA-256 of the link's token is kept, like API keys.
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('invited_by', 'uuid', (col) => col.references('app_user.id').onDelete('set null'))
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('workspace_invitation_workspace_idx')
    .on('workspace_invitation')
    .column('workspace_id')
    .execute();

  await db.schema
    .createTable('gpt_share')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('workspace_id', 'uuid', (col) => col.references('workspace.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.references('app_user.id').onDelete('cascade'))
    .addColumn('permission', 'text', (col) => col.notNull().check(sql`permission in ('chat', 'edit')`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('gpt_share_one_grantee', sql`num_nonnulls(workspace_id, user_id) = 1`)
    .execute();
  await sql`create unique index gpt_share_workspace_key on gpt_share (gpt_id, workspace_id) where workspace_id is not null`.execute(
    db,
  );
  await sql`create unique index gpt_share_user_key on gpt_share (gpt_id, user_id) where user_id is not null`.execute(
    db,
  );
  // The access check looks a GPT's shares up by GPT (the partial unique indexes cannot serve it).
  await db.schema.createIndex('gpt_share_gpt_idx').on('gpt_share').column('gpt_id').execute();
  await db.schema.createIndex('gpt_share_user_idx').on('gpt_share').column('user_id').execute();
  await db.schema.createIndex('gpt_share_ws_idx').on('gpt_share').column('workspace_id').execute();

  await db.schema
    .alterTable('gpt_version')
    .addColumn('author_id', 'uuid', (col) => col.references('app_user.id').onDelete('set null'))
    .execute();
  await sql`update gpt_version v set author_id = g.user_id from gpt g where g.id = v.gpt_id`.execute(db);
  await db.schema
    .alterTable('gpt')
    .addColumn('conversation_count', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('catalogue_entry')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('category', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('published_by', 'uuid', (col) => col.references('app_user.id').onDelete('set null'))
    .addColumn('published_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('catalogue_entry_pkey', ['workspace_id', 'gpt_id'])
    .addForeignKeyConstraint('catalogue_entry_version_fkey', ['gpt_id', 'version'], 'gpt_version', [
      'gpt_id',
      'version',
    ])
    .execute();
  await db.schema.createIndex('catalogue_entry_gpt_idx').on('catalogue_entry').column('gpt_id').execute();

  await db.schema
    .createTable('catalogue_review')
    .addColumn('workspace_id', 'uuid', (col) => col.notNull())
    .addColumn('gpt_id', 'uuid', (col) => col.notNull())
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('rating', 'smallint', (col) => col.notNull().check(sql`rating between 1 and 5`))
    .addColumn('review', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('catalogue_review_pkey', ['workspace_id', 'gpt_id', 'user_id'])
    .addForeignKeyConstraint(
      'catalogue_review_entry_fkey',
      ['workspace_id', 'gpt_id'],
      'catalogue_entry',
      ['workspace_id', 'gpt_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();

  // Every existing account gets its personal workspace, as new ones do at sign-up.
  await sql`
    insert into workspace (name, personal_user_id)
    select 'Personal', id from app_user`.execute(db);
  await sql`
    insert into workspace_member (workspace_id, user_id, role)
    select id, personal_user_id, 'owner' from workspace where personal_user_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'catalogue_review',
    'catalogue_entry',
    'gpt_share',
    'workspace_invitation',
    'workspace_member',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropTable('workspace').execute();
  await db.schema.alterTable('gpt').dropColumn('conversation_count').execute();
  await db.schema.alterTable('gpt_version').dropColumn('author_id').execute();
}
