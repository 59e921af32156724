import {
  ConfirmationAnswer,
  ConfirmationBody,
  ConfirmationParams,
  MessageAnswer,
  MessageBody,
  Session,
  SessionIdParams,
  SessionListQuery,
  SessionMessagesQuery,
  SessionPage,
  SessionWithMessages,
} from '../chat.js';
import { errorResponses, IdParams, ItemList, NoContent } from '../common.js';
import { LoadedModels, ModelItem } from '../models.js';
import {
  CompletionRequest,
  EmbeddingRequest,
  OpenAiAnswer,
  OpenAiModelParams,
  openAiErrorResponses,
} from '../openai.js';
import { route } from '../route.js';
import { SessionUsage, TokenUsage, TokenUsageQuery } from '../usage.js';

/** Chat sessions and messages (inference-gateway). */
export const CHAT_ROUTES = {
  createSession: route('POST', '/api/gpts/:id/sessions', {
    params: IdParams,
    response: { 201: Session, ...errorResponses(400, 401, 404, 409, 503) },
  }),
  listSessions: route('GET', '/api/gpts/:id/sessions', {
    params: IdParams,
    querystring: SessionListQuery,
    response: { 200: SessionPage, ...errorResponses(400, 401, 404, 503) },
  }),
  getSession: route('GET', '/api/sessions/:sessionId', {
    params: SessionIdParams,
    querystring: SessionMessagesQuery,
    response: { 200: SessionWithMessages, ...errorResponses(400, 401, 404) },
  }),
  deleteSession: route('DELETE', '/api/sessions/:sessionId', {
    params: SessionIdParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 404) },
  }),
  /** With `Accept: text/event-stream`, the answer streams as ChatStreamEvents. */
  sendMessage: route('POST', '/api/sessions/:sessionId/messages', {
    params: SessionIdParams,
    body: MessageBody,
    response: { 200: MessageAnswer, ...errorResponses(400, 401, 404, 429, 502, 503) },
  }),
  confirm: route('POST', '/api/sessions/:sessionId/confirmations/:confirmationId', {
    params: ConfirmationParams,
    body: ConfirmationBody,
    response: { 200: ConfirmationAnswer, ...errorResponses(400, 401, 404, 409) },
  }),
  sessionUsage: route('GET', '/api/sessions/usage', {
    response: { 200: SessionUsage, ...errorResponses(401) },
  }),
  tokenUsage: route('GET', '/api/usage/tokens', {
    querystring: TokenUsageQuery,
    response: { 200: TokenUsage, ...errorResponses(400, 401) },
  }),
};

/** The models and who serves them (inference-gateway). */
export const MODEL_ROUTES = {
  list: route('GET', '/api/models', { response: { 200: ItemList(ModelItem), ...errorResponses(401) } }),
  load: route('POST', '/api/gpts/:id/load', {
    params: IdParams,
    response: { 200: LoadedModels, ...errorResponses(400, 401, 404, 503) },
  }),
};

/** The OpenAI-compatible API (inference-gateway). */
export const OPENAI_ROUTES = {
  models: route('GET', '/v1/models', { response: { 200: OpenAiAnswer, ...openAiErrorResponses(401) } }),
  model: route('GET', '/v1/models/:id', {
    params: OpenAiModelParams,
    response: { 200: OpenAiAnswer, ...openAiErrorResponses(401, 404) },
  }),
  completions: route('POST', '/v1/chat/completions', {
    body: CompletionRequest,
    response: { 200: OpenAiAnswer, ...openAiErrorResponses(400, 401, 404, 429, 502, 503) },
  }),
  embeddings: route('POST', '/v1/embeddings', {
    body: EmbeddingRequest,
    response: { 200: OpenAiAnswer, ...openAiErrorResponses(400, 401, 404, 503) },
  }),
};
