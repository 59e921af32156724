import type { CompletionRequestBody } from '@chatty/contracts';
import { invalidParam, type ModelDefinition } from '@chatty/shared';
import type { GenerateRequest } from '../../pool/model-router.js';
import type { OllamaTool } from '../../pool/ollama-types.js';
import { ollamaOptions } from './shapes.js';

type GenerationOptions = Pick<GenerateRequest, 'tools' | 'toolChoice' | 'format' | 'options'>;

/** Refusals that hold whatever answers: OpenAI's fields this server cannot honour, said plainly. */
export function refuseUnsupported(body: CompletionRequestBody): void {
  if (body.n != null && body.n > 1)
    throw invalidParam('n', 'N_NOT_SUPPORTED', 'Only one choice per request is supported (n = 1)');
  if (body.logprobs || body.top_logprobs)
    throw invalidParam(
      body.logprobs ? 'logprobs' : 'top_logprobs',
      'LOGPROBS_NOT_SUPPORTED',
      'Log probabilities are not returned by this server; leave logprobs unset or false',
    );
  if (body.tool_choice && !body.tools?.length)
    throw invalidParam('tool_choice', 'TOOL_CHOICE_WITHOUT_TOOLS', 'tool_choice needs tools');
}

/**
 * What a base model is asked beyond the messages: the client's tools and tool_choice, a JSON format,
 * sampling and stop sequences. Ollama cannot force a tool call, so a named `tool_choice` offers that
 * tool alone and `none` offers none; hosted providers also get the choice itself.
 */
export function generationOptions(body: CompletionRequestBody, model: ModelDefinition): GenerationOptions {
  const out: GenerationOptions = {};
  const options = ollamaOptions(body);
  if (options) out.options = options;
  const format = formatOf(body.response_format);
  if (format) out.format = format;
  const tools = toolsOf(body);
  if (tools.length) {
    if (model.kind === 'synth')
      throw invalidParam(
        'tools',
        'TOOLS_NOT_SUPPORTED',
        `${model.id} merges several models and takes no tools`,
      );
    out.tools = tools;
    if (body.tool_choice) out.toolChoice = body.tool_choice;
  }
  return out;
}

function toolsOf(body: CompletionRequestBody): OllamaTool[] {
  const choice = body.tool_choice;
  if (!body.tools?.length || choice === 'none') return [];
  const tools = body.tools.map((tool) => ({
    type: 'function' as const,
    function: {
      name: tool.function.name,
      description: tool.function.description ?? '',
      parameters: tool.function.parameters ?? { type: 'object', properties: {} },
    },
  }));
  if (typeof choice !== 'object' || choice === null) return tools;
  const chosen = tools.filter((tool) => tool.function.name === choice.function.name);
  if (chosen.length === 0)
    throw invalidParam(
      'tool_choice',
      'UNKNOWN_TOOL',
      `tool_choice names "${choice.function.name}", which is not among the tools`,
    );
  return chosen;
}

/** OpenAI's `response_format` as Ollama's `format`: `"json"`, or the schema itself. */
function formatOf(format: CompletionRequestBody['response_format']): GenerateRequest['format'] {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return 'json';
  return format.json_schema.schema ?? 'json';
}

/**
 * A GPT answers through its own turn (its instructions, knowledge and actions); what only a base model
 * can take is refused rather than silently dropped.
 */
export function refuseForGpt(body: CompletionRequestBody, hasImages: boolean): void {
  if (body.tools?.length && body.tool_choice !== 'none')
    throw invalidParam(
      'tools',
      'TOOLS_NOT_SUPPORTED',
      "A GPT's tools are its actions; send tools with a base model (GET /v1/models lists them)",
    );
  if (body.response_format && body.response_format.type !== 'text')
    throw invalidParam(
      'response_format',
      'RESPONSE_FORMAT_NOT_SUPPORTED',
      'response_format is supported with base models, not GPTs',
    );
  if (hasImages)
    throw invalidParam('messages', 'IMAGES_NOT_SUPPORTED', 'Images are supported with base models, not GPTs');
}
