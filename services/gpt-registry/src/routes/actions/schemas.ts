import { ActionArgument, ActionConfirmation, ActionMethod, ArgumentValues, Uuid } from '@chatty/contracts';
import Type, { type Static } from 'typebox';

const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  description:
    'A display name, any text ("Get Weather"); the model calls the action by `toolName`, derived from it (get_weather) and unique within the GPT',
});
const Description = Type.String({ maxLength: 2000 });
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Absolute http(s) URL; {{name}} placeholders in path and query',
});
const Headers = Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.String({ maxLength: 8192 }), {
  maxProperties: 50,
  description:
    'Secret headers (Authorization, Proxy-Authorization, Cookie, names with key/token/secret) are write-only: "***" keeps the stored value',
});
const Parameters = Type.Record(
  Type.String({ minLength: 1, maxLength: 200 }),
  Type.String({ maxLength: 8192 }),
  {
    maxProperties: 100,
    description:
      'Query parameters of a GET or DELETE; JSON body fields of a POST or PUT. A {{name}} without a declared argument becomes a required string argument',
  },
);
const Arguments = Type.Array(ActionArgument, { maxItems: 50 });

export const CreateActionBody = Type.Object({
  name: Name,
  description: Type.Optional(Description),
  url: Url,
  method: Type.Optional(ActionMethod),
  headers: Type.Optional(Headers),
  parameters: Type.Optional(Parameters),
  arguments: Type.Optional(Arguments),
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

export const ActionIdParams = Type.Object({ actionId: Uuid });
export const RunsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) });
