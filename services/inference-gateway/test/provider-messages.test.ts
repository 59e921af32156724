import { describe, expect, it } from 'vitest';
import type { OllamaMessage } from '../src/pool/ollama-types.js';
import { toAnthropicMessages } from '../src/providers/anthropic-client.js';
import { toOpenAiMessages } from '../src/providers/openai-client.js';

/** A prompt as the turn builds it: the omitted-history note, a history that starts mid-way, a tool round. */
const PROMPT: OllamaMessage[] = [
  { role: 'system', content: 'You are a careful assistant.' },
  { role: 'system', content: '(3 earlier messages of this conversation are omitted.)' },
  { role: 'assistant', content: 'Earlier answer.' },
  { role: 'user', content: 'Weather in Oslo and Bergen?' },
  {
    role: 'assistant',
    content: '',
    tool_calls: [
      { function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
      { id: 'toolu_given', function: { name: 'get_weather', arguments: { city: 'Bergen' } } },
    ],
  },
  { role: 'tool', tool_name: 'get_weather', content: '{"temperature":21}' },
  { role: 'tool', tool_name: 'get_weather', content: '{"temperature":14}' },
];

describe('provider message translation', () => {
  it("Anthropic: system messages go to `system`, a user turn comes first, tool results answer their calls' ids", () => {
    const { system, messages } = toAnthropicMessages(PROMPT);
    expect(system).toBe(
      'You are a careful assistant.\n\n(3 earlier messages of this conversation are omitted.)',
    );
    expect(messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    const calls = messages[3]!.content;
    expect(calls.map((block) => block.type)).toEqual(['tool_use', 'tool_use']);
    const ids = calls.map((block) => (block as { id: string }).id);
    expect(ids[1]).toBe('toolu_given');
    // One user turn holds both results, each naming its call.
    expect(messages[4]!.content).toEqual([
      { type: 'tool_result', tool_use_id: ids[0], content: '{"temperature":21}' },
      { type: 'tool_result', tool_use_id: ids[1], content: '{"temperature":14}' },
    ]);
  });

  it('OpenAI: tool calls carry ids and JSON arguments, and each tool message names the call it answers', () => {
    const messages = toOpenAiMessages(PROMPT);
    const assistant = messages[4] as { tool_calls: Array<{ id: string; function: { arguments: string } }> };
    expect(assistant.tool_calls.map((call) => call.function.arguments)).toEqual([
      '{"city":"Oslo"}',
      '{"city":"Bergen"}',
    ]);
    expect(messages.slice(5)).toEqual([
      { role: 'tool', tool_call_id: assistant.tool_calls[0]!.id, content: '{"temperature":21}' },
      { role: 'tool', tool_call_id: 'toolu_given', content: '{"temperature":14}' },
    ]);
  });
});
