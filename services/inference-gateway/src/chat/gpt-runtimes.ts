import type { GptRuntime } from '@chatty/contracts';
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

const HELD_GPTS = 2000;

/**
 * GPT runtimes by the registry's stamp. Every turn still asks the registry (access is checked each
 * time, and the user's context is read), but the GPT's configuration and actions travel only when
 * they changed since the last turn on that GPT: a change is seen by the next message, on any replica.
 * The runtime held also lets a turn begin its knowledge search before the answer arrives (see
 * prepareTurn). Runtimes are shared between turns and never modified.
 */
export class GptRuntimes {
  private readonly held = new Map<string, HeldRuntime>();

  constructor(private readonly registry: RegistryApi) {}

  /** The last runtime seen for the GPT, possibly out of date. */
  peek(gptId: string): HeldRuntime | undefined {
    return this.held.get(gptId);
  }

  /** The GPT as the user may chat with it now; a 404 AppError when they may not. */
  async view(gptId: string, userId: string, requestId?: string): Promise<GptView> {
    const held = this.held.get(gptId);
    const answer = await this.registry.turn(gptId, userId, held?.stamp, requestId);
    const runtime = answer.runtime ?? (held?.stamp === answer.stamp ? held.runtime : undefined);
    // The registry leaves the runtime out only when it matches the stamp sent, which is `held`'s.
    if (!runtime) throw new Error('The registry left out a GPT runtime the gateway does not hold');
    this.hold(gptId, { stamp: answer.stamp, runtime, hasFiles: answer.hasFiles });
    return {
      runtime,
      context: answer.context,
      hasFiles: answer.hasFiles,
      stamp: answer.stamp,
      ...(answer.knowledge !== undefined && { knowledge: answer.knowledge }),
    };
  }

  private hold(gptId: string, entry: HeldRuntime) {
    // Map keeps insertion order: deleting first and setting again makes this the newest entry.
    this.held.delete(gptId);
    if (this.held.size >= HELD_GPTS) this.held.delete(this.held.keys().next().value!);
    this.held.set(gptId, entry);
  }
}
