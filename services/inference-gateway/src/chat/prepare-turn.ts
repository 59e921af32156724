import type { GptRuntime, SearchResult } from '@chatty/contracts';
import type { ModelCatalog, ModelDefinition } from '@chatty/shared';
import type { IngestApi } from '../clients/ingest.client.js';
import type { ModelRouter } from '../pool/model-router.js';
import { resolveModel } from '../routes/resolve-model.js';
import type { FullKnowledge } from './full-knowledge.js';
import type { GptRuntimes, GptView } from './gpt-runtimes.js';
import { knowledgeBudget } from './prompt.js';

export interface PrepareDeps {
  runtimes: GptRuntimes;
  /** Small GPTs' whole knowledge, kept between turns while their files do not change. */
  knowledge: FullKnowledge;
  models: ModelCatalog;
  router: ModelRouter;
  ingest: IngestApi;
}

export interface TurnQuestion {
  gptId: string;
  userId: string;
  question: string;
  requestId?: string;
  /** System text the caller adds after the GPT's instructions (an OpenAI request's system messages). */
  extraInstructions?: string[];
}

/** Everything a turn reads before its model starts. */
export interface PreparedTurn {
  runtime: GptRuntime;
  model: ModelDefinition;
  context: string;
  knowledge: SearchResult;
}

const KNOWLEDGE_CHUNKS = 8;
const NO_KNOWLEDGE: SearchResult = { mode: 'ranked', chunks: [] };

/**
 * The GPT's runtime, the user's context and the knowledge for the question. A view the replica holds
 * and no change notice has touched is used as it is (GptRuntimes). Otherwise the waits overlap:
 * the knowledge search starts on the runtime held from an earlier turn at the same moment the registry
 * is asked (access, context, whether the runtime changed), and its result is used only when the
 * registry confirms that runtime; otherwise it is searched again on the new one. A GPT without files
 * costs no search at all, and one whose whole knowledge fits the prompt costs none while its files do
 * not change (FullKnowledge). A 404 from the registry (no access) ends the turn before anything is used.
 */
export async function prepareTurn(
  deps: PrepareDeps,
  turn: TurnQuestion,
  /** A view to take as it is: a guess (GptRuntimes.unconfirmed) the caller confirms before use. */
  guessedView?: GptView,
): Promise<PreparedTurn> {
  // A view held while nothing it is made of changed needs no registry call, so nothing to overlap.
  const current = guessedView ?? (await deps.runtimes.current(turn.gptId, turn.userId));
  const held = current ? undefined : deps.runtimes.peek(turn.gptId);
  const viewing = current ?? deps.runtimes.view(turn.gptId, turn.userId, turn.requestId);
  // Not when the whole knowledge is held: it is expected to be used as it is.
  const early =
    held?.hasFiles && !deps.knowledge.has(turn.gptId)
      ? searchKnowledge(deps, withExtra(held.runtime, turn), turn)
      : undefined;
  // Handled here so that a search started in vain never ends as an unhandled rejection.
  early?.catch(() => {});
  const view = await viewing;
  const runtime = withExtra(view.runtime, turn);
  const model = resolveModel(deps.models, runtime.gpt.modelId);
  let knowledge = NO_KNOWLEDGE;
  if (view.hasFiles) {
    const budget = await budgetFor(deps, runtime, turn);
    const kept = deps.knowledge.find(turn.gptId, view.knowledge, budget);
    if (kept) knowledge = kept;
    else if (early && held?.stamp === view.stamp) {
      knowledge = await early;
      deps.knowledge.hold(turn.gptId, undefined, knowledge);
    } else {
      knowledge = await search(deps, runtime, turn, budget);
      deps.knowledge.hold(turn.gptId, view.knowledge, knowledge);
    }
  }
  return { runtime, model, context: view.context, knowledge };
}

/** The model a turn describes: a synthesizing model's answers come from its synthesizer. */
export function describedModel(router: ModelRouter, model: ModelDefinition) {
  return router.describe(model.kind === 'synth' ? router.catalog.resolve(model.synthesizer!)! : model);
}

/** The best of the GPT's knowledge for the question, within what the model's window leaves free. */
async function searchKnowledge(deps: PrepareDeps, runtime: GptRuntime, turn: TurnQuestion) {
  return search(deps, runtime, turn, await budgetFor(deps, runtime, turn));
}

/** The tokens of knowledge the model's window leaves free beside the instructions and the question. */
async function budgetFor(deps: PrepareDeps, runtime: GptRuntime, turn: TurnQuestion): Promise<number> {
  const model = resolveModel(deps.models, runtime.gpt.modelId);
  const described = await describedModel(deps.router, model);
  return knowledgeBudget(described.contextLength, [runtime.gpt.instructions, turn.question]);
}

async function search(
  deps: PrepareDeps,
  runtime: GptRuntime,
  turn: TurnQuestion,
  budget: number,
): Promise<SearchResult> {
  if (budget <= 0) return NO_KNOWLEDGE;
  return deps.ingest.search(
    { gptId: runtime.gpt.id, query: turn.question, k: KNOWLEDGE_CHUNKS, budgetTokens: budget },
    turn.requestId,
  );
}

function withExtra(runtime: GptRuntime, { extraInstructions }: TurnQuestion): GptRuntime {
  if (!extraInstructions?.length) return runtime;
  const instructions = [runtime.gpt.instructions, ...extraInstructions].filter(Boolean).join('\n\n');
  return { ...runtime, gpt: { ...runtime.gpt, instructions } };
}
