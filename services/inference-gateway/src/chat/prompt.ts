import type { SearchChunk as KnowledgeChunk } from '@chatty/contracts';
import type { OllamaMessage } from '../pool/ollama-types.js';

/** A rough token count (about four characters a token), used only to fit the prompt in the window. */
const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** Room kept free in the context window for the answer itself. */
const answerReserve = (contextLength: number) => Math.min(1024, Math.floor(contextLength / 4));

export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** How many tokens retrieved knowledge may take: most of what instructions and question leave free. */
export function knowledgeBudget(contextLength: number, fixed: string[]): number {
  const free =
    contextLength - answerReserve(contextLength) - fixed.reduce((sum, text) => sum + estimateTokens(text), 0);
  return Math.max(0, Math.floor(free * 0.6));
}

export function systemPrompt(parts: {
  instructions: string;
  context: string;
  knowledge: KnowledgeChunk[];
  actionResults?: string[];
  /** Web search results for the question (a model without tools gets them here). */
  webResults?: string;
}): string {
  const sections = [parts.instructions.trim() || 'You are a helpful assistant.'];
  if (parts.context.trim())
    sections.push(`Persistent context (what you know about this user and task):\n${parts.context.trim()}`);
  if (parts.knowledge.length) {
    const sources = parts.knowledge
      .map((chunk) => `[${sourceLabel(chunk)}]\n${sourceText(chunk)}`)
      .join('\n\n');
    sections.push(
      `Knowledge from the GPT's files. Answer from it when it is relevant and name the source in brackets.\n\n${sources}`,
    );
  }
  if (parts.actionResults?.length)
    sections.push(`Results of actions run for this message:\n${parts.actionResults.join('\n')}`);
  if (parts.webResults)
    sections.push(`Web search results for this message. Cite the links you use.\n\n${parts.webResults}`);
  return sections.join('\n\n');
}

/** A passage as the model reads it; code in a fence naming its language, as the model would write it. */
function sourceText(chunk: KnowledgeChunk): string {
  if (!chunk.language) return chunk.text.trim();
  const fence = fenceFor(chunk.text);
  return `${fence}${chunk.language}\n${chunk.text.trimEnd()}\n${fence}`;
}

/** A Markdown fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function sourceLabel(chunk: Pick<KnowledgeChunk, 'fileName' | 'page'>): string {
  return chunk.page ? `${chunk.fileName}, page ${chunk.page}` : chunk.fileName;
}

/**
 * The most recent history that fits `budget` tokens, whole messages only; older turns are dropped and
 * a note says how many, so the model knows the conversation started earlier.
 */
function fitHistory(history: HistoryMessage[], budget: number): OllamaMessage[] {
  const kept: OllamaMessage[] = [];
  let used = 0;
  for (let index = history.length - 1; index >= 0; index--) {
    const message = history[index]!;
    const cost = estimateTokens(message.content) + 4;
    if (used + cost > budget) {
      kept.unshift({
        role: 'system',
        content: `(${index + 1} earlier messages of this conversation are omitted.)`,
      });
      break;
    }
    used += cost;
    kept.unshift({ role: message.role, content: message.content });
  }
  return kept;
}

export function assemble(parts: {
  system: string;
  history: HistoryMessage[];
  question: string;
  contextLength: number;
}): OllamaMessage[] {
  const fixed = estimateTokens(parts.system) + estimateTokens(parts.question) + 16;
  const budget = parts.contextLength - answerReserve(parts.contextLength) - fixed;
  return [
    { role: 'system', content: parts.system },
    ...fitHistory(parts.history, Math.max(0, budget)),
    { role: 'user', content: parts.question },
  ];
}
