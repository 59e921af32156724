import WordExtractor from 'word-extractor';
import { ExtractionRefused } from './types.js';

/** Word 97–2003 (.doc): the body text, then headers and footnotes when there are any. */
export async function extractDoc(bytes: Buffer): Promise<string> {
  let document: Awaited<ReturnType<WordExtractor['extract']>>;
  try {
    document = await new WordExtractor().extract(bytes);
  } catch (error) {
    throw new ExtractionRefused(`not a valid Word 97–2003 document: ${(error as Error).message}`);
  }
  return [document.getBody(), document.getFootnotes(), document.getEndnotes()]
    .filter((part) => part.trim())
    .join('\n\n');
}
