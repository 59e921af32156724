import { type CompletionRequestBody, ContentPart, type ContentPartBody } from '@chatty/contracts';
import { invalidParam } from '@chatty/shared';
import Value from 'typebox/value';
import type { OllamaMessage, OllamaToolCall } from '../../pool/ollama-types.js';
import { parseArguments } from '../../providers/tool-call-ids.js';

type RequestMessage = CompletionRequestBody['messages'][number];

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i;

/**
 * The client's messages in the gateway's shape (Ollama's): `developer` is a system message, image
 * parts become base64 `images`, an assistant's tool calls get their arguments parsed, and a tool
 * result keeps the call it answers (`tool_call_id`) and the tool's name found from that call.
 */
export function toGatewayMessages(messages: RequestMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index) => {
    const role = (message.role === 'developer' ? 'system' : message.role) as OllamaMessage['role'];
    const { text, images } = partsOf(message.content, index, role);
    if (role === 'assistant' && message.tool_calls?.length) {
      const calls: OllamaToolCall[] = message.tool_calls.map((call) => {
        toolNames.set(call.id, call.function.name);
        return {
          id: call.id,
          function: { name: call.function.name, arguments: parseArguments(call.function.arguments) },
        };
      });
      return { role, content: text, tool_calls: calls };
    }
    if (role === 'tool') {
      if (!message.tool_call_id)
        throw invalidParam(
          `messages[${index}].tool_call_id`,
          'MISSING_TOOL_CALL_ID',
          'A tool message must name the call it answers in tool_call_id',
        );
      const name = toolNames.get(message.tool_call_id);
      if (!name)
        throw invalidParam(
          `messages[${index}].tool_call_id`,
          'UNKNOWN_TOOL_CALL_ID',
          `No assistant message before this one has a tool call with id "${message.tool_call_id}"`,
        );
      return { role, content: text, tool_name: name, tool_call_id: message.tool_call_id };
    }
    return { role, content: text, ...(images.length && { images }) };
  });
}

/** The text of a message's content and its images (bare base64); images only in user messages. */
function partsOf(
  content: RequestMessage['content'],
  index: number,
  role: string,
): { text: string; images: string[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  // An assistant message may hold only tool calls, and a system or tool message may be empty; a user
  // message without content asks nothing (OpenAI refuses it too).
  if (content === undefined && role === 'user')
    throw invalidParam(`messages[${index}].content`, 'MISSING_CONTENT', 'A user message needs content');
  if (content == null) return { text: '', images: [] };
  if (!Array.isArray(content) || !content.every(isContentPart))
    throw invalidParam(
      `messages[${index}].content`,
      'INVALID_CONTENT',
      'content must be a string, null, or an array of content parts ({type: "text" | "image_url", …})',
    );
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part, at) => {
    const param = `messages[${index}].content[${at}]`;
    if (part.type === 'text') texts.push(part.text ?? '');
    else if (part.type === 'image_url') {
      if (role !== 'user')
        throw invalidParam(param, 'UNSUPPORTED_CONTENT', 'Images are taken in user messages only');
      images.push(imageOf(part, param));
    } else
      throw invalidParam(
        param,
        'UNSUPPORTED_CONTENT',
        `Content parts of type "${part.type}" are not supported; text and image_url are`,
      );
  });
  return { text: texts.join(''), images };
}

const isContentPart = (part: unknown): part is ContentPartBody => Value.Check(ContentPart, part);

/** A data: URL's base64; a remote URL is refused: the gateway fetches nothing a request names. */
function imageOf(part: ContentPartBody, param: string): string {
  const url = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
  if (!url) throw invalidParam(`${param}.image_url`, 'MISSING_IMAGE', 'image_url.url is required');
  const match = DATA_URL.exec(url);
  if (match) return match[2]!.replace(/\s/g, '');
  if (url.startsWith('data:'))
    throw invalidParam(
      `${param}.image_url.url`,
      'UNSUPPORTED_IMAGE',
      'An image data: URL must be base64 with an image/* media type',
    );
  throw invalidParam(
    `${param}.image_url.url`,
    'REMOTE_IMAGE_URL',
    'Images are taken as data: URLs (data:image/png;base64,…); remote image URLs are not fetched',
  );
}
