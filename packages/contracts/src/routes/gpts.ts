import {
  Action,
  ActionIdParams,
  ActionResult,
  ActionRun,
  CreateActionBody,
  ExecuteActionBody,
  ImportActionsBody,
  ImportedActions,
  RunsQuery,
  UpdateActionBody,
} from '../action.js';
import { errorResponses, IdParams, ItemList, ItemPage, NoContent } from '../common.js';
import { ExtractedText, FileIdParams, FileUpdateBody, KnowledgeFile, KnowledgeFileList } from '../file.js';
import {
  AvatarAnswer,
  CopyBody,
  CreateGptBody,
  Gpt,
  GptContext,
  GptList,
  GptListQuery,
  GptVersion,
  GptVersionList,
  UpdateGptBody,
  VersionParams,
  VersionsQuery,
} from '../gpt.js';
import { ImportQuery, ImportReport, PortableFile } from '../portable.js';
import { route } from '../route.js';
import { RegistryUsage, RegistryUsageQuery } from '../usage.js';

/** GPTs, their versions, context and portable file (gpt-registry). */
export const GPT_ROUTES = {
  list: route('GET', '/api/gpts', {
    querystring: GptListQuery,
    response: { 200: GptList, ...errorResponses(400, 401) },
  }),
  get: route('GET', '/api/gpts/:id', {
    params: IdParams,
    response: { 200: Gpt, ...errorResponses(400, 401, 404) },
  }),
  create: route('POST', '/api/gpts', {
    body: CreateGptBody,
    response: { 201: Gpt, ...errorResponses(400, 401, 409, 413, 415) },
  }),
  update: route('PUT', '/api/gpts/:id', {
    params: IdParams,
    body: UpdateGptBody,
    response: { 200: Gpt, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
  }),
  delete: route('DELETE', '/api/gpts/:id', {
    params: IdParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 503) },
  }),
  versions: route('GET', '/api/gpts/:id/versions', {
    params: IdParams,
    querystring: VersionsQuery,
    response: { 200: GptVersionList, ...errorResponses(400, 401, 404) },
  }),
  version: route('GET', '/api/gpts/:id/versions/:version', {
    params: VersionParams,
    response: { 200: GptVersion, ...errorResponses(400, 401, 404) },
  }),
  shared: route('GET', '/api/gpts/shared', {
    querystring: GptListQuery,
    response: { 200: GptList, ...errorResponses(400, 401) },
  }),
  copy: route('POST', '/api/gpts/:id/copy', {
    params: IdParams,
    body: CopyBody,
    response: { 201: Gpt, ...errorResponses(400, 401, 404, 409) },
  }),
  avatar: route('POST', '/api/gpts/:id/avatar', {
    params: IdParams,
    response: { 200: AvatarAnswer, ...errorResponses(400, 401, 403, 404, 413, 415) },
  }),
  getContext: route('GET', '/api/gpts/:id/context', {
    params: IdParams,
    response: { 200: GptContext, ...errorResponses(400, 401, 404) },
  }),
  setContext: route('PUT', '/api/gpts/:id/context', {
    params: IdParams,
    body: GptContext,
    response: { 200: GptContext, ...errorResponses(400, 401, 404) },
  }),
  export: route('GET', '/api/gpts/:id/export', {
    params: IdParams,
    response: { 200: PortableFile, ...errorResponses(400, 401, 404, 409) },
  }),
  import: route('POST', '/api/gpts/import', {
    querystring: ImportQuery,
    response: { 200: ImportReport, 201: ImportReport, ...errorResponses(400, 401, 404, 409, 413, 415) },
  }),
};

/** Knowledge files (gpt-registry; file-ingest reads them). */
export const FILE_ROUTES = {
  list: route('GET', '/api/gpts/:id/files', {
    params: IdParams,
    response: { 200: KnowledgeFileList, ...errorResponses(400, 401, 404) },
  }),
  upload: route('POST', '/api/gpts/:id/files', {
    params: IdParams,
    response: { 202: KnowledgeFile, ...errorResponses(400, 401, 404, 409, 413, 415) },
  }),
  get: route('GET', '/api/gpts/files/:fileId', {
    params: FileIdParams,
    response: { 200: KnowledgeFile, ...errorResponses(400, 401, 404) },
  }),
  text: route('GET', '/api/gpts/files/:fileId/text', {
    params: FileIdParams,
    response: { 200: ExtractedText, ...errorResponses(400, 401, 404, 409) },
  }),
  update: route('PATCH', '/api/gpts/files/:fileId', {
    params: FileIdParams,
    body: FileUpdateBody,
    response: { 200: KnowledgeFile, ...errorResponses(400, 401, 404) },
  }),
  delete: route('DELETE', '/api/gpts/files/:fileId', {
    params: FileIdParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 404) },
  }),
};

/** Actions and their runs (gpt-registry). */
export const ACTION_ROUTES = {
  create: route('POST', '/api/gpts/:id/actions', {
    params: IdParams,
    body: CreateActionBody,
    response: { 201: Action, ...errorResponses(400, 401, 404, 409) },
  }),
  list: route('GET', '/api/gpts/:id/actions', {
    params: IdParams,
    response: { 200: ItemList(Action), ...errorResponses(400, 401, 404) },
  }),
  update: route('PUT', '/api/gpts/actions/:actionId', {
    params: ActionIdParams,
    body: UpdateActionBody,
    response: { 200: Action, ...errorResponses(400, 401, 404) },
  }),
  delete: route('DELETE', '/api/gpts/actions/:actionId', {
    params: ActionIdParams,
    response: { 204: NoContent, ...errorResponses(400, 401, 404) },
  }),
  runs: route('GET', '/api/gpts/:id/actions/runs', {
    params: IdParams,
    querystring: RunsQuery,
    response: { 200: ItemPage(ActionRun), ...errorResponses(400, 401, 404) },
  }),
  execute: route('POST', '/api/gpts/actions/:actionId/execute', {
    params: ActionIdParams,
    body: ExecuteActionBody,
    response: { 200: ActionResult, ...errorResponses(400, 401, 403, 404, 409, 429, 502, 503, 504) },
  }),
  import: route('POST', '/api/gpts/:id/actions/import', {
    params: IdParams,
    body: ImportActionsBody,
    response: { 201: ImportedActions, ...errorResponses(400, 401, 404, 409, 413) },
  }),
};

/** What the registry alone answers: the models a GPT may use, and the caller's quotas. */
export const REGISTRY_ROUTES = {
  /** The origin sends /api/models to the inference gateway (MODEL_ROUTES.list); this is the registry's own. */
  usage: route('GET', '/api/usage', {
    querystring: RegistryUsageQuery,
    response: { 200: RegistryUsage, ...errorResponses(400, 401, 404) },
  }),
};
