import type { RouteContract } from '../route.js';
import { ADMIN_ROUTES, AUTH_ROUTES, KEY_ROUTES } from './auth.js';
import { CHAT_ROUTES, MODEL_ROUTES, OPENAI_ROUTES } from './chat.js';
import { ACTION_ROUTES, FILE_ROUTES, GPT_ROUTES, REGISTRY_ROUTES } from './gpts.js';
import {
  GATEWAY_INTERNAL_ROUTES,
  INGEST_INTERNAL_ROUTES,
  REGISTRY_INTERNAL_ROUTES,
  RUNNER_INTERNAL_ROUTES,
} from './internal.js';
import { CATALOGUE_ROUTES, SHARE_ROUTES, WORKSPACE_ROUTES } from './teams.js';

export * from './auth.js';
export * from './chat.js';
export * from './gpts.js';
export * from './internal.js';
export * from './teams.js';

const all = (...tables: Array<Record<string, RouteContract>>): RouteContract[] =>
  tables.flatMap((table) => Object.values(table));

/** Every route of each service, public and internal: what test/contracts checks the services against. */
export const SERVICE_ROUTES = {
  'gpt-registry': all(
    AUTH_ROUTES,
    ADMIN_ROUTES,
    KEY_ROUTES,
    GPT_ROUTES,
    FILE_ROUTES,
    ACTION_ROUTES,
    REGISTRY_ROUTES,
    WORKSPACE_ROUTES,
    SHARE_ROUTES,
    CATALOGUE_ROUTES,
    REGISTRY_INTERNAL_ROUTES,
  ),
  'inference-gateway': all(CHAT_ROUTES, MODEL_ROUTES, OPENAI_ROUTES, GATEWAY_INTERNAL_ROUTES),
  'file-ingest': all(INGEST_INTERNAL_ROUTES),
  'action-runner': all(RUNNER_INTERNAL_ROUTES),
} as const;
