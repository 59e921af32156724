import { ActionIdParams, ActionRequestSpec, ActionResult, InternalExecuteBody } from '../action.js';
import { errorResponses, IdParams, NoContent } from '../common.js';
import { SearchBody, SearchResult } from '../file.js';
import {
  ApiKeyBody,
  ApiKeyOwner,
  ConversationBody,
  DeletedSessions,
  GptRuntime,
  GptSummaryList,
  GptSummaryQuery,
  LookedUp,
  LookupBody,
  RoleAnswer,
  SessionCheckBody,
  SessionLiveness,
  TurnQuery,
  TurnView,
  UserQuery,
} from '../internal.js';
import { route } from '../route.js';

/** The registry's routes for the other services (service token; hidden from the OpenAPI document). */
export const REGISTRY_INTERNAL_ROUTES = {
  runtime: route('GET', '/internal/gpts/:id/runtime', {
    params: IdParams,
    querystring: UserQuery,
    response: { 200: GptRuntime, ...errorResponses(400, 404) },
  }),
  turn: route('GET', '/internal/gpts/:id/turn', {
    params: IdParams,
    querystring: TurnQuery,
    response: { 200: TurnView, ...errorResponses(400, 404) },
  }),
  executeAction: route('POST', '/internal/actions/:actionId/execute', {
    params: ActionIdParams,
    body: InternalExecuteBody,
    response: { 200: ActionResult, ...errorResponses(400, 403, 404, 409, 429, 502, 503, 504) },
  }),
  countConversation: route('POST', '/internal/gpts/:id/conversations', {
    params: IdParams,
    body: ConversationBody,
    response: { 204: NoContent, ...errorResponses(400, 404) },
  }),
  gpts: route('GET', '/internal/gpts', {
    querystring: GptSummaryQuery,
    response: { 200: GptSummaryList, ...errorResponses(400, 404) },
  }),
  lookup: route('POST', '/internal/lookup', {
    body: LookupBody,
    response: { 200: LookedUp, ...errorResponses(400) },
  }),
  apiKey: route('POST', '/internal/auth/api-key', {
    body: ApiKeyBody,
    response: { 200: ApiKeyOwner, ...errorResponses(401, 404) },
  }),
  session: route('POST', '/internal/auth/session', {
    body: SessionCheckBody,
    response: { 200: SessionLiveness, ...errorResponses(400, 404) },
  }),
  role: route('GET', '/internal/users/:id/role', {
    params: IdParams,
    response: { 200: RoleAnswer, ...errorResponses(400, 404) },
  }),
};

/** The gateway's route for the registry: a deleted GPT's sessions go with it. */
export const GATEWAY_INTERNAL_ROUTES = {
  deleteSessions: route('DELETE', '/internal/gpts/:id/sessions', {
    params: IdParams,
    response: { 200: DeletedSessions, ...errorResponses(400, 404) },
  }),
};

/** file-ingest's retrieval for the gateway. */
export const INGEST_INTERNAL_ROUTES = {
  search: route('POST', '/internal/search', {
    body: SearchBody,
    response: { 200: SearchResult, ...errorResponses(400, 404) },
  }),
};

/** The action-runner's one route, for the registry (the runner holds no data store credentials). */
export const RUNNER_INTERNAL_ROUTES = {
  execute: route('POST', '/internal/execute', {
    body: ActionRequestSpec,
    response: { 200: ActionResult, ...errorResponses(400, 403, 404, 502, 504) },
  }),
};
