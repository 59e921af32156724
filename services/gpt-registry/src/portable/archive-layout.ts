import {
  ActionArgument,
  ActionMethod,
  Capabilities,
  MAX_CONVERSATION_STARTERS,
  MAX_INSTRUCTIONS_CHARS,
  PORTABLE_FORMAT,
} from '@chatty/contracts';
import Type, { type Static } from 'typebox';

/**
 * The portable GPT file: a zip holding exactly these entries, nothing else. Knowledge files are stored
 * under numbered names (`files/1`…), their original names only in the manifest, so no name in the
 * archive is ever used as a path or key.
 */
export const MANIFEST_ENTRY = 'manifest.json';
export const GPT_ENTRY = 'gpt.json';
export const ACTIONS_ENTRY = 'actions.json';
export const FILE_ENTRY = /^files\/[1-9][0-9]{0,3}$/;
export const fileEntryName = (index: number) => `files/${index + 1}`;
/**
 * The layout's own directory: zip tools (`zip -r`, file managers) add an entry for it, named with a
 * trailing `/` and empty. It is skipped on import; no other directory entry is accepted.
 */
export const FILES_DIRECTORY_ENTRY = 'files/';

/** JSON entries are small: a GPT with its avatar (≤ 1.4 MB as a data URL) and up to a few hundred actions. */
export const MAX_JSON_ENTRY_BYTES = 4 * 1024 * 1024;

export const ManifestFile = Type.Object({
  entry: Type.String({ pattern: FILE_ENTRY.source }),
  originalName: Type.String({ minLength: 1, maxLength: 255 }),
  size: Type.Integer({ minimum: 1 }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

export const Manifest = Type.Object({
  format: Type.Literal(PORTABLE_FORMAT),
  formatVersion: Type.Integer({ minimum: 1 }),
  exportedAt: Type.String(),
  gpt: Type.Object({ id: Type.String(), version: Type.Integer({ minimum: 1 }) }),
  files: Type.Array(ManifestFile, { maxItems: 1000 }),
  /**
   * Secrets left out (`***` in actions.json): the importer must set them again. Each names a secret
   * header (`header`) or a credential-like parameter (`parameter`).
   */
  secretsToSet: Type.Array(
    Type.Union([
      Type.Object({ action: Type.String(), header: Type.String() }),
      Type.Object({ action: Type.String(), parameter: Type.String() }),
    ]),
  ),
});
export type Manifest = Static<typeof Manifest>;

/** The GPT's configuration; `avatar` is its data URL (a generated one too). */
export const PortableGpt = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  description: Type.String({ maxLength: 2000 }),
  instructions: Type.String({ maxLength: MAX_INSTRUCTIONS_CHARS }),
  conversationStarters: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
    maxItems: MAX_CONVERSATION_STARTERS,
  }),
  capabilities: Type.Partial(Capabilities),
  modelId: Type.String({ minLength: 1, maxLength: 200 }),
  avatar: Type.Union([Type.String({ maxLength: MAX_JSON_ENTRY_BYTES }), Type.Null()]),
  isActive: Type.Boolean(),
});
export type PortableGpt = Static<typeof PortableGpt>;

/** An action as exported: secret header and parameter values read `***` (they are never exported). */
export const PortableAction = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 4000 }),
  url: Type.String({ minLength: 1, maxLength: 4096 }),
  method: ActionMethod,
  headers: Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 8192 }), {
    maxProperties: 50,
  }),
  parameters: Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 8192 }), {
    maxProperties: 100,
  }),
  arguments: Type.Array(ActionArgument, { maxItems: 50 }),
  isActive: Type.Boolean(),
});
export type PortableAction = Static<typeof PortableAction>;

export const PortableActions = Type.Object({ items: Type.Array(PortableAction, { maxItems: 1000 }) });
