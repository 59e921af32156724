import type {
  ActionCall,
  ChatStreamEventData,
  Citation,
  SearchChunk as KnowledgeChunk,
  WebSearchRecord,
} from '@chatty/contracts';
import type { Logger, ModelDefinition } from '@chatty/shared';
import type { RegistryApi } from '../clients/registry.client.js';
import type { Generation } from '../pool/model-router.js';
import type { OllamaMessage } from '../pool/ollama-types.js';
import { generateAnswer } from './generate.js';
import { type Confirm, runGuardedAction } from './guarded-action.js';
import { describedModel, type PrepareDeps, type PreparedTurn } from './prepare-turn.js';
import { assemble, type HistoryMessage, systemPrompt } from './prompt.js';
import { actionForTool, matchIntents, toolsOf } from './tools.js';
import type { TurnsInFlight } from './turns-in-flight.js';
import { type WebSearchDeps, type WebSearchEvent, type WebSearchTurn, webSearchFor } from './web-search.js';

export interface TurnEvents {
  delta(text: string): void;
  action(event: ChatStreamEventData<'action'>): void;
  /** A web search starting and ending (GPTs with web search on). */
  search?(event: WebSearchEvent): void;
}

export interface TurnDeps extends PrepareDeps {
  registry: RegistryApi;
  log: Logger;
  /** The turns being answered, by GPT: deleting a GPT stops its turns (on every replica). */
  inFlight?: TurnsInFlight;
  toolMaxSteps: number;
  toolLoopTimeoutMs: number;
  /** Set when SEARXNG_URL is: GPTs with web search on get the web_search tool. */
  web?: WebSearchDeps;
}

/** A prepared turn (prepareTurn) and who asks what, in which session. */
export interface TurnInput extends PreparedTurn {
  userId: string;
  history: HistoryMessage[];
  question: string;
  sessionId?: string;
  requestId?: string;
  signal: AbortSignal;
  events: TurnEvents;
  /**
   * Asks the user before an action that changes something runs (the chat over SSE); without it such
   * calls are not run and the model is told why.
   */
  confirm?: Confirm;
  /**
   * For a turn started before its inputs were confirmed (a session's guessed history): settles once
   * they are, and rejects if they were not. No action or web search starts before it has resolved.
   */
  gate?: Promise<void>;
}

export interface TurnResult extends Generation {
  citations: Citation[];
  actionCalls: ActionCall[];
  searches: WebSearchRecord[];
}

/**
 * One turn of a GPT's chat: prompt from its instructions, the user's persistent context, the knowledge
 * prepared for this question, and the history that still fits; then the model, with the GPT's
 * actions as tools in a loop bounded in steps and time. A GPT deleted meanwhile stops it: the model's
 * request is aborted and the turn fails at once with 404 NOT_FOUND (see TurnsInFlight).
 */
export async function runTurn(deps: TurnDeps, input: TurnInput): Promise<TurnResult> {
  if (!deps.inFlight) return answer(deps, input);
  const turn = deps.inFlight.track(input.runtime.gpt.id, input.signal);
  try {
    // Whatever inside still waits (a confirmation asked of the user), the caller hears it at once.
    const answering = answer(deps, { ...input, signal: turn.signal });
    answering.catch(() => {});
    return await Promise.race([answering, turn.deleted]);
  } finally {
    turn.done();
  }
}

async function answer(deps: TurnDeps, input: TurnInput): Promise<TurnResult> {
  const { runtime, model, context, knowledge } = input;
  const described = await describedModel(deps.router, model);
  const citations = citationsOf(knowledge.chunks);
  const actionCalls: ActionCall[] = [];
  const web = webSearchFor(deps.web, runtime.gpt, { ...input, onEvent: input.events.search });
  const useTools =
    (runtime.actions.length > 0 || web !== undefined) && described.tools && model.kind !== 'synth';
  const actionResults = useTools ? [] : await runMatchedActions(deps, input, actionCalls);
  const webResults = web && !useTools ? await searchFirst(web, input) : undefined;
  const messages = assemble({
    system: systemPrompt({
      instructions: runtime.gpt.instructions,
      context,
      knowledge: knowledge.chunks,
      actionResults,
      ...(webResults && { webResults }),
    }),
    history: input.history,
    question: input.question,
    contextLength: described.contextLength,
  });
  const generation = useTools
    ? await toolLoop(deps, input, messages, actionCalls, web)
    : await generate(deps, model, messages, input);
  return {
    ...generation,
    citations: [...citations, ...(web?.citations ?? [])],
    actionCalls,
    searches: web?.searches ?? [],
  };
}

function generate(deps: TurnDeps, model: ModelDefinition, messages: OllamaMessage[], input: TurnInput) {
  const request = { model, messages, signal: input.signal, owner: input.userId, onToken: input.events.delta };
  return generateAnswer(deps.router, model, request);
}

async function toolLoop(
  deps: TurnDeps,
  input: TurnInput,
  messages: OllamaMessage[],
  calls: ActionCall[],
  web: WebSearchTurn | undefined,
) {
  const tools = [...toolsOf(input.runtime.actions), ...(web?.tools ?? [])];
  // Time spent waiting for the user's confirmation does not count against the loop.
  let deadline = Date.now() + deps.toolLoopTimeoutMs;
  let content = '';
  const onToken = (text: string) => {
    content += text;
    input.events.delta(text);
  };
  for (let step = 1; ; step++) {
    // The last step, or a loop out of time, gets no tools: the model must answer with what it has.
    const offer = step < deps.toolMaxSteps && Date.now() < deadline;
    const generation = await deps.router.generate({
      model: input.model,
      messages,
      signal: input.signal,
      owner: input.userId,
      onToken,
      ...(offer && { tools }),
    });
    if (!offer || generation.toolCalls.length === 0) return { ...generation, content };
    messages.push({ role: 'assistant', content: generation.content, tool_calls: generation.toolCalls });
    await input.gate;
    for (const toolCall of generation.toolCalls) {
      const name = toolCall.function.name;
      if (web?.handles(name)) {
        const content = await web.run(name, toolCall.function.arguments ?? {});
        messages.push({ role: 'tool', tool_name: name, content });
        continue;
      }
      const action = actionForTool(input.runtime.actions, name);
      if (!action) {
        messages.push({ role: 'tool', tool_name: name, content: `There is no action named ${name}.` });
        continue;
      }
      const outcome = await runGuardedAction(deps, input, action, toolCall.function.arguments ?? {});
      deadline += outcome.waitedMs;
      calls.push(outcome.call);
      messages.push({ role: 'tool', tool_name: name, content: outcome.text });
    }
  }
}

async function runMatchedActions(deps: TurnDeps, input: TurnInput, calls: ActionCall[]): Promise<string[]> {
  const results: string[] = [];
  for (const { action, args } of matchIntents(input.runtime.actions, input.question)) {
    await input.gate;
    const outcome = await runGuardedAction(deps, input, action, args);
    calls.push(outcome.call);
    results.push(`${action.name}: ${outcome.text}`);
  }
  return results;
}

async function searchFirst(web: WebSearchTurn, input: TurnInput) {
  await input.gate;
  return web.searchQuestion(input.question);
}

/** How much of a cited passage of code a citation carries. */
const EXCERPT_CHARS = 1200;

/** One citation per file and page the prompt drew on; code keeps its language and its first passage. */
function citationsOf(chunks: KnowledgeChunk[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const chunk of chunks) {
    const key = `${chunk.fileId}:${chunk.page ?? ''}`;
    if (seen.has(key)) continue;
    seen.set(key, {
      fileId: chunk.fileId,
      fileName: chunk.fileName,
      page: chunk.page ?? null,
      ...(chunk.language && { language: chunk.language, excerpt: chunk.text.slice(0, EXCERPT_CHARS) }),
    });
  }
  return [...seen.values()];
}
