/**
 * Object keys are built from ids only (docs/internal-contracts.md): a file's name is metadata and never
 * reaches a key, so `../`, NULs or absolute paths in it change nothing.
 */
export const gptPrefix = (userId: string, gptId: string) => `${userId}/${gptId}/`;
export const filePrefix = (userId: string, gptId: string, fileId: string) =>
  `${gptPrefix(userId, gptId)}${fileId}/`;
export const originalKey = (userId: string, gptId: string, fileId: string) =>
  `${filePrefix(userId, gptId, fileId)}original`;
export const textKey = (userId: string, gptId: string, fileId: string) =>
  `${filePrefix(userId, gptId, fileId)}text.txt`;
