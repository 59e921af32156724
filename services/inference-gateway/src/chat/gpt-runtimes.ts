import type { GptRuntime } from '@chatty/contracts';
import { NoticedAnswers, type NoticeSource } from '@chatty/shared';
import type { RegistryApi } from '../clients/registry.client.js';

/** What a turn reads of its GPT: the runtime, the user's context, whether there is knowledge to search. */
export interface GptView {
  runtime: GptRuntime;
  context: string;
  hasFiles: boolean;
  /** Names the runtime's content: equal stamps, equal runtimes. */
  stamp: string;
  /** Names the GPT's knowledge once every file has settled: equal names, equal chunks. */
  knowledge?: string;
}

/** A runtime the gateway has seen, to start work on before the registry confirms it is still current. */
export interface HeldRuntime {
  stamp: string;
  runtime: GptRuntime;
  hasFiles: boolean;
}

/** The registry's change notices (ChangeNotices), and the database they come from. */
export interface GptChangeNotices extends NoticeSource {
  readonly database: string | undefined;
}

const HELD_GPTS = 2000;

/**
 * The views held, within 64 MiB. Each view's own part is the user's context (up to 20 000
 * characters); the runtime is the GPT's, shared by its views (`held` below, at most HELD_GPTS).
 */
const VIEW_BYTES = { limit: 64 * 1024 * 1024, sizeOf: (view: GptView) => 1024 + 2 * view.context.length };

/**
 * What turns read of GPTs, held per replica in two ways:
 * - The registry's answer per GPT and user (access, context, runtime, knowledge), while the
 *   database's change notices are heard: every write to anything that answer is made of announces its
 *   GPT at commit (GPT_CHANGE_NOTICES), and the answers held for that GPT are forgotten. A turn then
 *   asks the registry nothing; it first makes sure every change committed before it has been heard
 *   (ChangeNotices.sync), so a change (a removed share, an edited instruction) is seen by the next
 *   message, on any replica. Without notices (a lost connection: until it is back and
 *   everything held is forgotten), every turn asks.
 * - Runtimes by the registry's stamp: when a turn asks, the GPT's configuration and actions travel
 *   only when they changed since the last turn on that GPT; the runtime held also lets a turn begin its
 *   knowledge search before the answer arrives (see prepareTurn).
 * Views and runtimes are shared between turns and never modified.
 */
export class GptRuntimes {
  private readonly held = new Map<string, HeldRuntime>();
  private readonly views: NoticedAnswers<GptView> | undefined;

  constructor(
    private readonly registry: RegistryApi,
    private readonly notices?: GptChangeNotices,
  ) {
    this.views =
      notices &&
      new NoticedAnswers(notices, { keys: HELD_GPTS, perKey: 1000, maxAgeMs: 60_000, bytes: VIEW_BYTES });
  }

  /** The registry's last answer for this GPT and user, when nothing it is made of has changed since. */
  async current(gptId: string, userId: string): Promise<GptView | undefined> {
    return this.views?.get(gptId, userId);
  }

  /**
   * The answer `current` would give, without waiting to hear the changes committed before this call:
   * a guess, right when `current` later gives the very same view.
   */
  unconfirmed(gptId: string, userId: string): GptView | undefined {
    return this.views?.unconfirmed(gptId, userId);
  }

  /** The last runtime seen for the GPT, possibly out of date. */
  peek(gptId: string): HeldRuntime | undefined {
    return this.held.get(gptId);
  }

  /** The GPT as the user may chat with it now; a 404 AppError when they may not. */
  async view(gptId: string, userId: string, requestId?: string): Promise<GptView> {
    const current = await this.current(gptId, userId);
    if (current) return current;
    // A notice that comes while the registry answers may be about a change the answer missed.
    const mark = this.views?.mark();
    const held = this.held.get(gptId);
    const answer = await this.registry.turn(gptId, userId, held?.stamp, requestId);
    const runtime = answer.runtime ?? (held?.stamp === answer.stamp ? held.runtime : undefined);
    // The registry leaves the runtime out only when it matches the stamp sent, which is `held`'s.
    if (!runtime) throw new Error('The registry left out a GPT runtime the gateway does not hold');
    this.hold(gptId, { stamp: answer.stamp, runtime, hasFiles: answer.hasFiles });
    const view: GptView = {
      runtime,
      context: answer.context,
      hasFiles: answer.hasFiles,
      stamp: answer.stamp,
      ...(answer.knowledge !== undefined && { knowledge: answer.knowledge }),
    };
    // Only an answer from the database whose notices are heard is theirs to vouch for.
    if (mark !== undefined && answer.source === this.notices?.database) {
      this.views?.hold(mark, gptId, userId, view);
    }
    return view;
  }

  private hold(gptId: string, entry: HeldRuntime) {
    // Map keeps insertion order: deleting first and setting again makes this the newest entry.
    this.held.delete(gptId);
    if (this.held.size >= HELD_GPTS) this.held.delete(this.held.keys().next().value!);
    this.held.set(gptId, entry);
  }
}
