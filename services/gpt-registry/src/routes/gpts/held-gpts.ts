import type { Gpt } from '@chatty/contracts';
import { type ChangeNotices, DATABASE_IDENTITY_SQL, NoticedAnswers } from '@chatty/shared';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { visibleGpt } from './visible-gpt.js';

/** GPTs and answers held: about 2 000 GPTs, a few readers each, within 64 MiB (avatars are inline). */
const LIMITS = {
  keys: 2000,
  perKey: 32,
  maxAgeMs: 60_000,
  bytes: { limit: 64 * 1024 * 1024, sizeOf: gptSize },
};

/**
 * `GET /api/gpts/:id` answers, held per GPT and caller while the database's change notices vouch for
 * them (GPT_CHANGE_NOTICES: every table the answer is made of, sharing and workspaces included,
 * announces its changes at commit). A held answer costs one query on the notices' connection, shared
 * by every request waiting at that moment, instead of a read of the GPT and its access: so a change
 * committed before the request, here or on any other replica, is always seen. Only answers read from
 * the database the notices come from are held.
 */
export class HeldGpts {
  private readonly answers: NoticedAnswers<Gpt>;
  private identity: { noticed: string; same: Promise<boolean> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly notices: ChangeNotices,
  ) {
    this.answers = new NoticedAnswers<Gpt>(notices, LIMITS);
  }

  /** The GPT as the caller may see it (`visibleGpt`); 404 when they may not. */
  async visible(userId: string, gptId: string): Promise<Gpt> {
    const held = await this.answers.get(gptId, userId);
    if (held) return held;
    const mark = this.answers.mark();
    const gpt = await visibleGpt(this.db, userId, gptId);
    if (await this.readsNoticedDatabase()) this.answers.hold(mark, gptId, userId, gpt);
    return gpt;
  }

  /**
   * Whether `db` reads the database whose notices are heard: asked once for each database the notices
   * name (a restarted Postgres is another one), and again after a failed read.
   */
  private async readsNoticedDatabase(): Promise<boolean> {
    const noticed = this.notices.database;
    if (noticed === undefined) return false;
    if (this.identity?.noticed !== noticed) {
      const check = { noticed, same: this.readIdentity().then((identity) => identity === noticed) };
      check.same.catch(() => {
        if (this.identity === check) this.identity = undefined;
      });
      this.identity = check;
    }
    return this.identity.same.catch(() => false);
  }

  private async readIdentity(): Promise<string | undefined> {
    const { rows } = await sql<{
      identity: string;
    }>`select ${sql.raw(DATABASE_IDENTITY_SQL)} as identity`.execute(this.db);
    return rows[0]?.identity;
  }
}

/** About how many bytes a GPT answer holds: its strings, the avatar's data URL first. */
function gptSize(gpt: Gpt): number {
  const strings = [
    gpt.name,
    gpt.description,
    gpt.instructions,
    gpt.avatar ?? '',
    ...gpt.conversationStarters,
  ];
  return 512 + strings.reduce((sum, text) => sum + 2 * text.length, 0);
}
