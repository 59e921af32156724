import type { Readable } from 'node:stream';
import { PORTABLE_FORMAT, PORTABLE_FORMAT_VERSION } from '@chatty/contracts';
import yazl from 'yazl';
import { splitHeaders, splitParameters } from '../actions/secret-headers.js';
import type { FileRow } from '../db/file.repository.js';
import type { ActionRow, GptRow } from '../db/schema.js';
import {
  ACTIONS_ENTRY,
  fileEntryName,
  GPT_ENTRY,
  MANIFEST_ENTRY,
  type Manifest,
  type PortableAction,
  type PortableGpt,
} from './archive-layout.js';

export interface ExportSource {
  gpt: GptRow;
  /** Left out (no actions.json) for a caller who may not see the GPT's actions. */
  actions?: ActionRow[];
  files: FileRow[];
  /** Opens a knowledge file's original bytes; called one file at a time while the zip is written. */
  openFile(file: FileRow): Promise<Readable>;
}

/**
 * Writes a GPT as a portable archive and returns the zip as a stream. Secret values (headers, and
 * credential-like parameters) are never read: rows keep them as `***`, and the manifest lists them as
 * secrets to set again after an import.
 */
export function writeArchive({ gpt, actions, files, openFile }: ExportSource): Readable {
  const zip = new yazl.ZipFile();
  const portableActions: PortableAction[] | undefined = actions?.map((row) => ({
    name: row.name,
    description: row.description,
    url: row.url,
    method: row.method,
    headers: row.headers,
    parameters: row.parameters,
    arguments: row.arguments,
    isActive: row.is_active,
  }));
  const manifest: Manifest = {
    format: PORTABLE_FORMAT,
    formatVersion: PORTABLE_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    gpt: { id: gpt.id, version: gpt.version },
    files: files.map((file, index) => ({
      entry: fileEntryName(index),
      originalName: file.original_name,
      size: Number(file.size),
      sha256: file.sha256,
    })),
    secretsToSet: (actions ?? []).flatMap((row) => [
      ...Object.keys(splitHeaders(row.headers).secret).map((header) => ({ action: row.name, header })),
      ...Object.keys(splitParameters(row.parameters).secret).map((parameter) => ({
        action: row.name,
        parameter,
      })),
    ]),
  };
  const config: PortableGpt = {
    name: gpt.name,
    description: gpt.description,
    instructions: gpt.instructions,
    conversationStarters: gpt.conversation_starters,
    capabilities: gpt.capabilities,
    modelId: gpt.model_id,
    avatar: gpt.avatar,
    isActive: gpt.is_active,
  };
  const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  zip.addBuffer(json(manifest), MANIFEST_ENTRY);
  zip.addBuffer(json(config), GPT_ENTRY);
  if (portableActions) zip.addBuffer(json({ items: portableActions }), ACTIONS_ENTRY);
  files.forEach((file, index) => {
    zip.addReadStreamLazy(fileEntryName(index), { size: Number(file.size) }, (done) => {
      openFile(file).then(
        (stream) => done(null, stream),
        (error: unknown) => done(error, undefined as never),
      );
    });
  });
  zip.end();
  return zip.outputStream as Readable;
}
