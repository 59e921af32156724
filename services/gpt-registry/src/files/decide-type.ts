import { extname } from 'node:path';
import { KNOWLEDGE_TYPES, type KnowledgeType } from '@chatty/contracts';
import { AppError } from '@chatty/shared';
import { fileTypeFromFile } from 'file-type';
import { CONTROL_CHARACTERS } from '../text/single-line.js';

/** What file-type reports for each binary type (Word 97–2003 is an OLE compound file, "cfb"). */
const SNIFFED_AS: Partial<Record<KnowledgeType, string[]>> = {
  pdf: ['pdf'],
  docx: ['docx'],
  doc: ['cfb', 'doc'],
  pptx: ['pptx'],
  xlsx: ['xlsx'],
  png: ['png'],
  jpeg: ['jpg'],
  gif: ['gif'],
};
/** Text whose content file-type recognises, and still is what its name says (`<?xml` starts both). */
const TEXT_SNIFFED_AS: Partial<Record<KnowledgeType, string[]>> = { xml: ['xml'], html: ['xml'] };
const isText = (type: KnowledgeType) => !(type in SNIFFED_AS);
const SUPPORTED = Object.values(KNOWLEDGE_TYPES)
  .flatMap((type) => type.extensions)
  .join(' ');

const unsupported = (message: string) =>
  new AppError(415, 'UNSUPPORTED_TYPE', `${message}. Supported: ${SUPPORTED}`);

/**
 * A file's type from its extension and its content together: the extension names a supported type and
 * the content is that type (magic bytes for binary formats; for the text formats, source code included,
 * valid UTF-8 without NUL bytes, or UTF-16 by its byte-order mark: text, not a binary renamed).
 */
export async function decideType(
  name: string,
  path: string,
  textEncoding: 'utf-8' | 'utf-16' | null,
): Promise<KnowledgeType> {
  const extension = extname(name).toLowerCase();
  const type = (Object.keys(KNOWLEDGE_TYPES) as KnowledgeType[]).find((each) =>
    (KNOWLEDGE_TYPES[each].extensions as readonly string[]).includes(extension),
  );
  if (!type)
    throw unsupported(
      `Files named ${extension ? `*${extension}` : 'without an extension'} are not supported`,
    );
  const sniffed = await fileTypeFromFile(path);
  if (isText(type)) {
    // A byte-order mark settles it: UTF-16 text can look like the start of an audio frame.
    if (textEncoding === 'utf-16') return type;
    if (sniffed && !TEXT_SNIFFED_AS[type]?.includes(sniffed.ext)) {
      throw unsupported(`The file is named ${extension} but its content is ${sniffed.ext}`);
    }
    if (!textEncoding) throw unsupported(`The file is named ${extension} but is not UTF-8 or UTF-16 text`);
    return type;
  }
  if (!sniffed || !SNIFFED_AS[type]?.includes(sniffed.ext)) {
    throw unsupported(
      `The file is named ${extension} but its content is ${sniffed ? sniffed.ext : 'not recognised'}`,
    );
  }
  return type;
}

/** Every control character of a name, to remove them all. */
const EVERY_CONTROL_CHARACTER = new RegExp(CONTROL_CHARACTERS, 'g');

const MAX_NAME_CHARACTERS = 255;
/** The longest ending kept whole when a long name is shortened: `.jsonl`, `.markdown`. */
const MAX_EXTENSION_CHARACTERS = 16;

/**
 * The uploaded name as metadata: no path, no control characters, at most 255 characters. A longer
 * name loses the end of its stem, not its extension, which decides the file's type.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').replace(EVERY_CONTROL_CHARACTER, '').split(/[/\\]/).pop() ?? '';
  const trimmed = shortened(base.trim());
  return trimmed && trimmed !== '.' && trimmed !== '..' ? trimmed : 'file';
}

/** Counted in characters (code points), so a cut never splits one in two. */
function shortened(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= MAX_NAME_CHARACTERS) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= MAX_EXTENSION_CHARACTERS ? name.slice(dot) : '';
  const stem = Array.from(name.slice(0, name.length - extension.length));
  return stem.slice(0, MAX_NAME_CHARACTERS - Array.from(extension).length).join('') + extension;
}
