import Type, { type Static } from 'typebox';
import { SecretToSet } from './action.js';
import { Uuid } from './common.js';
import { Gpt } from './gpt.js';

/** The portable GPT file (`GET /api/gpts/:id/export`): a zip whose manifest names this format. */
export const PORTABLE_FORMAT = 'chatty-gpt';
/** Raised when the archive's layout changes; an importer refuses versions it does not know. */
export const PORTABLE_FORMAT_VERSION = 1;

/** A credential-like parameter an imported action waits for (`key` of `?key=…`). */
export const ParameterSecretToSet = Type.Object({
  actionId: Type.Optional(Uuid),
  action: Type.String(),
  parameter: Type.String(),
});

/**
 * A secret an imported action waits for (secrets never leave the server, so the file holds `***`):
 * a secret header, `{action, header}` as OpenAPI imports name them, or a credential-like parameter,
 * `{action, parameter}`.
 */
export type PortableSecretToSet =
  | (SecretToSet & { parameter?: never })
  | (Static<typeof ParameterSecretToSet> & { header?: never });
export const PortableSecretToSet = Type.Unsafe<PortableSecretToSet>(
  Type.Union([SecretToSet, ParameterSecretToSet]),
);

/** `POST /api/gpts/import`: what the archive became. */
export const ImportReport = Type.Object({
  gpt: Gpt,
  /** true: a new GPT; false: an existing one (`?into=`) got a new version. */
  created: Type.Boolean(),
  /** The version the GPT had when it was exported. */
  sourceVersion: Type.Integer(),
  actions: Type.Array(Type.Object({ id: Uuid, name: Type.String(), replaced: Type.Boolean() }), {
    description:
      'Actions added; `replaced` when one of the same name was there (its secrets kept for the same host)',
  }),
  files: Type.Array(
    Type.Object({
      id: Uuid,
      originalName: Type.String(),
      size: Type.Integer(),
      status: Type.String({ description: 'queued: it is being ingested again' }),
    }),
  ),
  /** Files the GPT already had (same content), left as they were. */
  skippedFiles: Type.Array(Type.Object({ originalName: Type.String(), reason: Type.String() })),
  /** Secret headers and parameters left out (not kept from the GPT's own action): set them again. */
  secretsToSet: Type.Array(PortableSecretToSet),
});
export type ImportReport = Static<typeof ImportReport>;

export const ImportQuery = Type.Object({
  into: Type.Optional(
    Type.Unsafe<string>({
      ...Uuid,
      description: 'A GPT of yours, or one shared with you as can edit, to import into (a new version of it)',
    }),
  ),
});

/** The portable file itself, streamed as application/zip (its bytes: no JSON shape to check). */
export const PortableFile = Type.Unsafe<unknown>({
  type: 'string',
  format: 'binary',
  description: 'The zip: manifest.json, gpt.json, actions.json and files/1…',
});
