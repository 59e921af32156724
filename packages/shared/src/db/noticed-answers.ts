import { EVERYTHING_CHANGED } from './change-notices.js';

/** What NoticedAnswers needs of ChangeNotices. */
export interface NoticeSource {
  readonly live: boolean;
  readonly seq: number;
  onNotice(listener: (key: string) => void): void;
  sync(): Promise<void>;
}

export interface NoticedAnswersLimits {
  /** Keys (GPTs) held at most; the least recently held goes first. */
  keys: number;
  /** Answers per key (one per user) at most. */
  perKey: number;
  /** A bound on any answer's age, whatever the notices say. */
  maxAgeMs: number;
}

interface Held<V> {
  value: V;
  heldAt: number;
}

/**
 * Answers about an object (a GPT) for a reader (a user), held while the database's change notices
 * vouch for them: a notice naming the object forgets its answers, `*` forgets all, and nothing is
 * used while the notices are not heard, nor before the notices of every change committed before the
 * request are heard (`get`). A read notes `mark()` before it starts and holds its answer only if
 * nothing was announced meanwhile: an answer read before a change can never outlive the change's
 * notice.
 */
export class NoticedAnswers<V> {
  private readonly held = new Map<string, Map<string, Held<V>>>();

  constructor(
    private readonly notices: NoticeSource,
    private readonly limits: NoticedAnswersLimits,
  ) {
    notices.onNotice((key) => {
      if (key === EVERYTHING_CHANGED) this.held.clear();
      else this.held.delete(key);
    });
  }

  /**
   * The answer held for the reader, once every change committed before this call has been heard
   * (NoticeSource.sync: one round trip, shared by concurrent callers, and none when nothing is held).
   */
  async get(key: string, reader: string): Promise<V | undefined> {
    if (!this.peek(key, reader)) return undefined;
    await this.notices.sync();
    return this.peek(key, reader);
  }

  private peek(key: string, reader: string): V | undefined {
    if (!this.notices.live) return undefined;
    const answers = this.held.get(key);
    const held = answers?.get(reader);
    if (!held) return undefined;
    if (Date.now() - held.heldAt <= this.limits.maxAgeMs) return held.value;
    answers!.delete(reader);
    return undefined;
  }

  /** The moment before a read, for `hold`. */
  mark(): number {
    return this.notices.seq;
  }

  /** Holds what a read that started at `mark` answered, unless anything changed since. */
  hold(mark: number, key: string, reader: string, value: V): void {
    if (!this.notices.live || mark !== this.mark()) return;
    let answers = this.held.get(key);
    if (!answers) {
      if (this.held.size >= this.limits.keys) this.held.delete(this.held.keys().next().value!);
      answers = new Map();
      this.held.set(key, answers);
    }
    if (answers.size >= this.limits.perKey) answers.delete(answers.keys().next().value!);
    answers.set(reader, { value, heldAt: Date.now() });
  }
}
