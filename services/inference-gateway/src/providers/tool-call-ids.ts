import type { OllamaMessage } from '../pool/ollama-types.js';

/**
 * Ids that pair tool calls with their results. The tool loop appends results in the order of the
 * calls, naming the tool but not the call (Ollama needs no ids); OpenAI and Anthropic want each result
 * to name its call. A call keeps the id its provider gave it; one without (from an Ollama model earlier
 * in a fallback chain) gets one here, and each result takes the next unanswered call of its tool.
 */
export function toolCallIds(messages: OllamaMessage[]): {
  callIds: Record<number, string[]>;
  resultIds: Record<number, string>;
} {
  const callIds: Record<number, string[]> = {};
  const resultIds: Record<number, string> = {};
  let open: Array<{ id: string; name: string }> = [];
  messages.forEach((message, index) => {
    if (message.role === 'assistant' && message.tool_calls?.length) {
      callIds[index] = message.tool_calls.map((call, at) => call.id ?? `call_${index}_${at}`);
      open = message.tool_calls.map((call, at) => ({ id: callIds[index]![at]!, name: call.function.name }));
      return;
    }
    if (message.role !== 'tool') return;
    // The client's own pairing (`tool_call_id` on /v1) wins; the tool loop's results pair by name.
    const byId = message.tool_call_id ? open.findIndex((call) => call.id === message.tool_call_id) : -1;
    const match = byId >= 0 ? byId : open.findIndex((call) => call.name === message.tool_name);
    const taken = open.splice(Math.max(match, 0), 1)[0];
    resultIds[index] = taken?.id ?? `call_${index}_orphan`;
  });
  return { callIds, resultIds };
}

/** Tool-call arguments arrive as JSON text; a model that writes bad JSON gets no arguments. */
export function parseArguments(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
