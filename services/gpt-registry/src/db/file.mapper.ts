import { codeLanguageOfMime, type KnowledgeFile } from '@chatty/contracts';
import type { FileRow } from './file.repository.js';

export function toFile(row: FileRow): KnowledgeFile {
  return {
    id: row.id,
    gptId: row.gpt_id,
    filename: row.filename,
    originalName: row.original_name,
    mimeType: row.mime_type,
    size: Number(row.size),
    sha256: row.sha256,
    status: row.status,
    progress: row.progress,
    error: row.error,
    pageCount: row.page_count,
    charCount: row.char_count,
    chunkCount: row.chunk_count,
    language: codeLanguageOfMime(row.mime_type),
    isActive: row.is_active,
    uploadedAt: row.uploaded_at.toISOString(),
  };
}
