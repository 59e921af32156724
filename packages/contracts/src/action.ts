import Type, { type Static } from 'typebox';
import { PageCursor, Timestamp, Uuid } from './common.js';

/** Methods an action may use. */
export const ActionMethod = Type.Union([
  Type.Literal('GET'),
  Type.Literal('POST'),
  Type.Literal('PUT'),
  Type.Literal('DELETE'),
]);
export type ActionMethod = Static<typeof ActionMethod>;

/**
 * Whether a chat waits for the user's confirmation before the model may run the action: `auto` for the
 * methods that change things (POST, PUT, DELETE) and not for GET; `always` or `never` override that.
 */
export const ActionConfirmation = Type.Union([
  Type.Literal('auto'),
  Type.Literal('always'),
  Type.Literal('never'),
]);
export type ActionConfirmation = Static<typeof ActionConfirmation>;

/**
 * Tool names the gateway gives its own tools (web search and reading a page it found). An action never
 * gets one of these as its tool name, so a GPT with web search on and an action called "Web Search"
 * offers the model two different tools instead of one name with two meanings.
 */
export const BUILT_IN_TOOL_NAMES = ['web_search', 'read_web_page'] as const;

/** Whether a call of an action waits for the user's confirmation. */
export function needsConfirmation(method: ActionMethod, confirmation: ActionConfirmation): boolean {
  if (confirmation !== 'auto') return confirmation === 'always';
  return method !== 'GET';
}

/**
 * `{{name}}`, or `{{ name }}` as Mustache and Handlebars allow: a placeholder filled from the call's
 * argument `name`.
 */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;
/** Anything written in double braces: one that is not a PLACEHOLDER is a mistake to point out, not text. */
export const BRACED = /\{\{[^{}]*\}\}/g;

export type ArgumentValue = string | number | boolean;
export type ArgumentValues = Record<string, ArgumentValue>;
/**
 * The values are left untyped in the schema and checked by the code that reads them, against each
 * argument's declared type (an error naming the argument). JSON bodies are not coerced, so a value
 * arrives as sent: `{"limit": "5"}` is text, refused for a number argument.
 */
export const ArgumentValues = Type.Unsafe<ArgumentValues>(
  Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 100 }),
);

/** What a model is told about one argument, so it can call the action. */
export const ActionArgument = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }),
  type: Type.Union([
    Type.Literal('string'),
    Type.Literal('number'),
    Type.Literal('integer'),
    Type.Literal('boolean'),
  ]),
  description: Type.String({ maxLength: 1000, default: '' }),
  required: Type.Boolean({ default: false }),
});
export type ActionArgument = Static<typeof ActionArgument>;

/**
 * What the registry sends the action-runner: the action with its secrets decrypted, plus the call's
 * arguments. The runner renders the placeholders itself, so that escaping lives in one place.
 */
export const ActionRequestSpec = Type.Object({
  method: ActionMethod,
  url: Type.String({ minLength: 1, maxLength: 4096 }),
  headers: Type.Record(Type.String(), Type.String({ maxLength: 8192 }), { maxProperties: 50 }),
  /** Query parameters, added to those already in `url`. */
  query: Type.Record(Type.String(), Type.String({ maxLength: 8192 }), { maxProperties: 100 }),
  /** Sent as a JSON object (POST, PUT); a value that is exactly one placeholder keeps the argument's type. */
  body: Type.Optional(
    Type.Union([
      Type.Record(Type.String(), Type.String({ maxLength: 8192 }), { maxProperties: 100 }),
      Type.Null(),
    ]),
  ),
  arguments: ArgumentValues,
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 120_000 })),
  maxResponseBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 * 1024 * 1024 })),
});
export type ActionRequestSpec = Static<typeof ActionRequestSpec>;

export const ActionResult = Type.Object({
  /** The target's status code. */
  status: Type.Integer(),
  headers: Type.Record(Type.String(), Type.String()),
  body: Type.String(),
  /** The body was longer than the cap and was cut. */
  truncated: Type.Boolean(),
  durationMs: Type.Number(),
});
export type ActionResult = Static<typeof ActionResult>;

export const ACTION_SECRET_MASK = '***';

/**
 * Headers the action-runner sets itself (a Host header would change the target): the registry refuses
 * an action naming one when it is saved, and the runner refuses it again at run time.
 */
export const RESERVED_ACTION_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
  'user-agent',
]);

/** What a model calls an action by: letters, digits and `_`, derived from its display name. */
export const ToolName = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

export const Action = Type.Object({
  id: Uuid,
  gptId: Uuid,
  /** The display name: any text. */
  name: Type.String(),
  /** Derived from the name (`Get Weather` → `get_weather`), unique within the GPT. */
  toolName: ToolName,
  description: Type.String(),
  url: Type.String(),
  method: ActionMethod,
  /** Secret headers read `"***"`: they are write-only. */
  headers: Type.Record(Type.String(), Type.String()),
  parameters: Type.Record(Type.String(), Type.String()),
  arguments: Type.Array(ActionArgument),
  isActive: Type.Boolean(),
  confirmation: ActionConfirmation,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Action = Static<typeof Action>;

/** One action as the inference gateway shows it to a model: no URL, no headers, no secrets. */
export const RuntimeAction = Type.Object({
  id: Uuid,
  name: Type.String(),
  toolName: ToolName,
  description: Type.String(),
  arguments: Type.Array(ActionArgument),
  method: ActionMethod,
  /** The chat asks the user before running it (a call that changes something). */
  needsConfirmation: Type.Boolean(),
});
export type RuntimeAction = Static<typeof RuntimeAction>;

export const ActionRun = Type.Object({
  id: Uuid,
  actionId: Type.Union([Uuid, Type.Null()]),
  actionName: Type.String(),
  userId: Uuid,
  sessionId: Type.Union([Type.String(), Type.Null()]),
  method: ActionMethod,
  targetHost: Type.String(),
  /** `ok`: the target answered (any status); otherwise why it did not. */
  outcome: Type.Union([
    Type.Literal('ok'),
    Type.Literal('denied'),
    Type.Literal('timeout'),
    Type.Literal('unreachable'),
    Type.Literal('error'),
  ]),
  status: Type.Union([Type.Integer(), Type.Null()]),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  responseBytes: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  createdAt: Timestamp,
});
export type ActionRun = Static<typeof ActionRun>;

const ActionName = Type.String({
  minLength: 1,
  maxLength: 100,
  description:
    'A display name, any text ("Get Weather"); the model calls the action by `toolName`, derived from it (get_weather) and unique within the GPT',
});
const ActionDescription = Type.String({ maxLength: 2000 });
const ActionUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Absolute http(s) URL; {{name}} placeholders in path and query',
});
const ActionHeaders = Type.Record(
  Type.String({ minLength: 1, maxLength: 200 }),
  Type.String({ maxLength: 8192 }),
  {
    maxProperties: 50,
    description:
      'Secret headers (Authorization, Proxy-Authorization, Cookie, names with key/token/secret) are write-only: "***" keeps the stored value',
  },
);
const ActionParameters = Type.Record(
  Type.String({ minLength: 1, maxLength: 200 }),
  Type.String({ maxLength: 8192 }),
  {
    maxProperties: 100,
    description:
      'Query parameters of a GET or DELETE; JSON body fields of a POST or PUT. A {{name}} without a declared argument becomes a required string argument',
  },
);
const ActionArguments = Type.Array(ActionArgument, { maxItems: 50 });

export const CreateActionBody = Type.Object({
  name: ActionName,
  description: Type.Optional(ActionDescription),
  url: ActionUrl,
  method: Type.Optional(ActionMethod),
  headers: Type.Optional(ActionHeaders),
  parameters: Type.Optional(ActionParameters),
  arguments: Type.Optional(ActionArguments),
  isActive: Type.Optional(Type.Boolean()),
  /** `auto` (default): a chat asks the user before a POST, PUT or DELETE; `always`, `never` override. */
  confirmation: Type.Optional(ActionConfirmation),
});
export type CreateActionBody = Static<typeof CreateActionBody>;

export const UpdateActionBody = Type.Partial(CreateActionBody);
export type UpdateActionBody = Static<typeof UpdateActionBody>;

export const ExecuteActionBody = Type.Object({ arguments: Type.Optional(ArgumentValues) });

export const ImportActionsBody = Type.Object({
  openapi: Type.Union([Type.String({ minLength: 1 }), Type.Object({}, { additionalProperties: true })], {
    description: 'An OpenAPI 3 document: JSON or YAML text (or the JSON object itself)',
  }),
});

/** A secret header an imported action needs before it can run: secrets never leave the registry. */
export const SecretToSet = Type.Object({
  actionId: Type.Optional(Uuid),
  action: Type.String(),
  header: Type.String(),
});
export type SecretToSet = Static<typeof SecretToSet>;

/** What an OpenAPI import added, the secret headers its actions wait for, and what it left out. */
export const ImportedActions = Type.Object({
  items: Type.Array(Action),
  /** Header parameters and security schemes the document asks for: set them on the action. */
  secretsToSet: Type.Array(SecretToSet),
  skipped: Type.Array(Type.Object({ method: Type.String(), path: Type.String(), reason: Type.String() })),
});
export type ImportedActions = Static<typeof ImportedActions>;

export const ActionIdParams = Type.Object({ actionId: Uuid });
export const RunsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: PageCursor,
});

/**
 * `POST /internal/actions/:actionId/execute` on the registry: the gateway runs an action of a chat for
 * the user it serves (the action runs with its owner's secrets, which never leave the registry).
 */
export const InternalExecuteBody = Type.Object({
  userId: Uuid,
  arguments: Type.Optional(ArgumentValues),
  sessionId: Type.Optional(Type.String({ maxLength: 200 })),
});
export type InternalExecuteBody = Static<typeof InternalExecuteBody>;

/** A run as the admins' audit lists it: with its GPT, which may since have been deleted. */
export const AuditedRun = Type.Intersect([
  ActionRun,
  Type.Object({
    gptId: Uuid,
    /** When its GPT was deleted; the run is kept until ACTION_RUN_RETENTION_DAYS after. */
    gptDeletedAt: Type.Union([Timestamp, Type.Null()]),
  }),
]);
export type AuditedRun = Static<typeof AuditedRun>;

export const RunAuditQuery = Type.Object({
  gptId: Type.Optional(Uuid),
  userId: Type.Optional(Uuid),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: PageCursor,
});
