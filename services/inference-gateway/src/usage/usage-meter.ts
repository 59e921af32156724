import { AsyncLocalStorage } from 'node:async_hooks';
import type { ModelDefinition } from '@chatty/shared';

export interface MeteredModel {
  model: string;
  provider: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** The tokens of one chat request, per model that answered: every tool round and synth member counts. */
export class UsageMeter {
  readonly byModel = new Map<string, MeteredModel>();

  add(model: ModelDefinition, promptTokens: number, completionTokens: number): void {
    const entry = this.byModel.get(model.id) ?? {
      model: model.id,
      provider: model.provider,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
    entry.requests++;
    entry.promptTokens += promptTokens;
    entry.completionTokens += completionTokens;
    this.byModel.set(model.id, entry);
  }
}

/*
 * The meter of the request in progress travels with its async context, not as an argument: a chat
 * request runs several generations (tool rounds, synth members, fallbacks) deep inside the turn, and
 * the router, which sees each one finish, is the one place that knows what each cost.
 */
const current = new AsyncLocalStorage<UsageMeter>();

/** Runs `work` with `meter` counting every generation the router completes inside it. */
export function metered<T>(meter: UsageMeter, work: () => Promise<T>): Promise<T> {
  return current.run(meter, work);
}

/** Counts a completed generation against the request in progress, if it is metered. */
export function countGeneration(model: ModelDefinition, promptTokens: number, completionTokens: number) {
  current.getStore()?.add(model, promptTokens, completionTokens);
}
