import mammoth from 'mammoth';
import { ExtractionRefused } from './types.js';
import { inspectZip } from './zip-guard.js';

export async function extractDocx(bytes: Buffer, maxUnzippedBytes: number): Promise<string> {
  const names = await inspectZip(bytes, maxUnzippedBytes, 'DOCX');
  if (!names.includes('word/document.xml')) {
    throw new ExtractionRefused('not a valid DOCX: it has no word/document.xml; save it again from Word');
  }
  try {
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    return value;
  } catch (error) {
    throw new ExtractionRefused(`not a valid DOCX: ${(error as Error).message}`);
  }
}
