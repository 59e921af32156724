/**
 * The layout of knowledge files in object storage, agreed by the registry (which stores originals and
 * removes prefixes) and file-ingest (which writes the text beside the original): one set of
 * functions for both. Keys are built from ids only (docs/internal-contracts.md): a file's name is
 * metadata and never reaches a key, so `../`, NULs or absolute paths in it change nothing.
 *
 *   <userId>/<gptId>/<fileId>/original   the uploaded bytes
 *   <userId>/<gptId>/<fileId>/text.txt   the text extracted from them
 */
export const gptPrefix = (userId: string, gptId: string) => `${userId}/${gptId}/`;
export const filePrefix = (userId: string, gptId: string, fileId: string) =>
  `${gptPrefix(userId, gptId)}${fileId}/`;
export const originalKey = (userId: string, gptId: string, fileId: string) =>
  `${filePrefix(userId, gptId, fileId)}original`;
export const textKey = (userId: string, gptId: string, fileId: string) =>
  `${filePrefix(userId, gptId, fileId)}text.txt`;

export interface FileKeyIds {
  userId: string;
  gptId: string;
  fileId: string;
}

const ID = '[0-9A-Fa-f-]{1,64}';
const ORIGINAL = new RegExp(`^(${ID})/(${ID})/(${ID})/original$`);

/** The ids an original's key was built from (`originalKey`); undefined for any other key. */
function idsOfOriginalKey(key: string): FileKeyIds | undefined {
  const match = ORIGINAL.exec(key);
  return match ? { userId: match[1]!, gptId: match[2]!, fileId: match[3]! } : undefined;
}

/** The text object beside an original; an error for a key `originalKey` did not build. */
export function textKeyOfOriginal(key: string): string {
  const ids = idsOfOriginalKey(key);
  if (!ids) throw new Error(`not the key of a knowledge file's original: ${JSON.stringify(key)}`);
  return textKey(ids.userId, ids.gptId, ids.fileId);
}
