import { decodeText } from './text.js';
import { ExtractionRefused } from './types.js';

/**
 * A JSON document as indented text. Depth is measured before parsing: a document nested thousands of
 * levels deep would overflow the stack when printed, and means nothing to a reader anyway.
 */
export function extractJson(bytes: Uint8Array, maxDepth: number): string {
  const source = decodeText(bytes);
  const depth = nestingDepth(source);
  if (depth > maxDepth) {
    throw new ExtractionRefused(`the JSON is nested ${depth} levels deep; the limit is ${maxDepth}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(source);
  } catch (error) {
    throw new ExtractionRefused(`not valid JSON: ${(error as Error).message}`);
  }
  return JSON.stringify(document, null, 2);
}

/** The deepest bracket nesting outside strings, in one pass. */
function nestingDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}
