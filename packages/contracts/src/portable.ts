import Type, { type Static } from 'typebox';
import { SecretToSet } from './action.js';
import { Uuid } from './common.js';
import { Gpt } from './gpt.js';

/** The portable GPT file (`GET /api/gpts/:id/export`): a zip whose manifest names this format. */
export const PORTABLE_FORMAT = 'chatty-gpt';
/** Raised when the archive's layout changes; an importer refuses versions it does not know. */
export const PORTABLE_FORMAT_VERSION = 1;

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
  secretsToSet: Type.Array(SecretToSet),
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
