import { type Kysely, sql } from 'kysely';

// Frozen. Version snapshots stop carrying the avatar (a data URL of up to ~1.4 MB): each distinct avatar
// of a GPT is stored once in gpt_avatar, keyed by the SHA-256 of its data URL, and a version names it.
// Scoped to the GPT so its avatars go with it by cascade and no other GPT's versions can hold one back.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('gpt_avatar')
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('data_url', 'text', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('gpt_avatar_pkey', ['gpt_id', 'sha256'])
    .execute();
  await db.schema.alterTable('gpt_version').addColumn('avatar_sha256', 'text').execute();

  // Existing snapshots: every distinct avatar once, then each version points at it and loses its copy.
  // The hash is computed by Postgres over the same UTF-8 text the service hashes (avatar-hash.ts).
  await sql`
    insert into gpt_avatar (gpt_id, sha256, data_url)
    select distinct on (gpt_id, hash) gpt_id, hash, avatar from (
      select gpt_id, snapshot->>'avatar' as avatar,
             encode(sha256(convert_to(snapshot->>'avatar', 'UTF8')), 'hex') as hash
      from gpt_version where snapshot->>'avatar' is not null
    ) as found`.execute(db);
  await sql`
    update gpt_version
    set avatar_sha256 = encode(sha256(convert_to(snapshot->>'avatar', 'UTF8')), 'hex'),
        snapshot = snapshot - 'avatar'
    where snapshot->>'avatar' is not null`.execute(db);
  await sql`update gpt_version set snapshot = snapshot - 'avatar' where snapshot ? 'avatar'`.execute(db);

  await db.schema
    .alterTable('gpt_version')
    .addForeignKeyConstraint('gpt_version_avatar_fkey', ['gpt_id', 'avatar_sha256'], 'gpt_avatar', [
      'gpt_id',
      'sha256',
    ])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update gpt_version v set snapshot = v.snapshot || jsonb_build_object('avatar', a.data_url)
    from gpt_avatar a where a.gpt_id = v.gpt_id and a.sha256 = v.avatar_sha256`.execute(db);
  await sql`
    update gpt_version set snapshot = snapshot || '{"avatar": null}'::jsonb
    where avatar_sha256 is null`.execute(db);
  await db.schema.alterTable('gpt_version').dropConstraint('gpt_version_avatar_fkey').execute();
  await db.schema.alterTable('gpt_version').dropColumn('avatar_sha256').execute();
  await db.schema.dropTable('gpt_avatar').execute();
}
