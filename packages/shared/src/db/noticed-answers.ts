import { EVERYTHING_CHANGED } from './change-notices.js';

/** What NoticedAnswers needs of ChangeNotices. */
export interface NoticeSource {
  readonly live: boolean;
  readonly seq: number;
  onNotice(listener: (key: string) => void): void;
  sync(): Promise<void>;
}

export interface NoticedAnswersLimits<V> {
  /** Keys (GPTs) held at most; the least recently held goes first. */
  keys: number;
  /** Answers per key (one per user) at most. */
  perKey: number;
  /** A bound on any answer's age, whatever the notices say. */
  maxAgeMs: number;
  /**
   * The answers' total size at most, as `sizeOf` measures them (answers of very different sizes: a
   * GPT may carry an avatar of a megabyte); the least recently held keys go first, and an answer
   * larger than a tenth of it is not held at all.
   */
  bytes?: { limit: number; sizeOf: (value: V) => number };
}

interface Held<V> {
  value: V;
  heldAt: number;
  size: number;
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
  /** The held answers' total size (0 without a byte limit). */
  private size = 0;

  constructor(
    private readonly notices: NoticeSource,
    private readonly limits: NoticedAnswersLimits<V>,
  ) {
    notices.onNotice((key) => {
      if (key === EVERYTHING_CHANGED) {
        this.held.clear();
        this.size = 0;
      } else this.forgetKey(key);
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

  /**
   * The answer held for the reader without waiting for changes committed before this call: possibly
   * out of date by the notices still in flight, so only a guess that `get` confirms (the same answer).
   */
  unconfirmed(key: string, reader: string): V | undefined {
    return this.peek(key, reader);
  }

  /** The held answers' total size, as the byte limit's `sizeOf` measures them. */
  get heldSize(): number {
    return this.size;
  }

  private peek(key: string, reader: string): V | undefined {
    if (!this.notices.live) return undefined;
    const answers = this.held.get(key);
    const held = answers?.get(reader);
    if (!held) return undefined;
    if (Date.now() - held.heldAt <= this.limits.maxAgeMs) return held.value;
    this.forgetAnswer(answers!, key, reader);
    return undefined;
  }

  /** The moment before a read, for `hold`. */
  mark(): number {
    return this.notices.seq;
  }

  /** Holds what a read that started at `mark` answered, unless anything changed since. */
  hold(mark: number, key: string, reader: string, value: V): void {
    if (!this.notices.live || mark !== this.mark()) return;
    const bytes = this.limits.bytes;
    const size = bytes ? bytes.sizeOf(value) : 0;
    if (bytes && size > bytes.limit / 10) return;
    let answers = this.held.get(key);
    if (!answers) {
      if (this.held.size >= this.limits.keys) this.forgetKey(this.held.keys().next().value!);
      answers = new Map();
      this.held.set(key, answers);
    }
    // The reader's earlier answer is replaced; else, with the key full, its oldest answer goes.
    const leaving = answers.has(reader)
      ? reader
      : answers.size >= this.limits.perKey
        ? answers.keys().next().value
        : undefined;
    if (leaving !== undefined) {
      this.size -= answers.get(leaving)!.size;
      answers.delete(leaving);
    }
    answers.set(reader, { value, heldAt: Date.now(), size });
    this.size += size;
    if (!bytes) return;
    for (const oldest of this.held.keys()) {
      if (this.size <= bytes.limit) break;
      // The answers of the key just held go last: they are the ones about to be asked for.
      if (oldest !== key) this.forgetKey(oldest);
    }
  }

  private forgetKey(key: string): void {
    const answers = this.held.get(key);
    if (!answers) return;
    for (const held of answers.values()) this.size -= held.size;
    this.held.delete(key);
  }

  private forgetAnswer(answers: Map<string, Held<V>>, key: string, reader: string): void {
    const held = answers.get(reader);
    if (!held) return;
    this.size -= held.size;
    answers.delete(reader);
    if (answers.size === 0) this.held.delete(key);
  }
}
