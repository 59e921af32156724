/** What the extraction sandbox is given: the file's type and bytes, and the caps it must respect. */
export type ExtractKind =
  | 'pdf'
  | 'docx'
  | 'doc'
  | 'pptx'
  | 'xlsx'
  | 'txt'
  | 'md'
  | 'json'
  | 'csv'
  /** Source code of any language: read as text, as it is. */
  | 'code'
  | 'image';

export interface ExtractLimits {
  maxPages: number;
  maxChars: number;
  maxUnzippedBytes: number;
  maxJsonDepth: number;
  /** Pixels (width × height) an image may have before anything decodes it. */
  maxImagePixels: number;
}

/** A stretch of extracted text and the page it came from (null where a format has no pages). */
export interface TextSegment {
  page: number | null;
  text: string;
}

export interface Extracted {
  segments: TextSegment[];
  pageCount: number | null;
}

export type ProgressReporter = (fraction: number) => void;

/**
 * A file that can never be extracted as it is. The message is shown to the person who uploaded it, so
 * it says what is wrong and, where possible, what to do.
 */
export class ExtractionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractionRefused';
  }
}

/** Why an extraction process died or was stopped before it answered. */
export type CrashCause = 'memory' | 'time' | 'crash';

/**
 * The extraction process died or was stopped (memory limit, deadline, a signal): unlike a refusal, this
 * may be the machine's fault rather than the file's, so the file is tried again a few times before it
 * fails (INGEST_MAX_CRASHES). The message says what happened, for the person who uploaded the file.
 */
export class ExtractionCrashed extends Error {
  constructor(
    message: string,
    readonly kind: CrashCause,
  ) {
    super(message);
    this.name = 'ExtractionCrashed';
  }
}

/** Counts characters as segments are produced, so an oversized text stops early instead of at the end. */
export class CharBudget {
  private used = 0;
  constructor(private readonly max: number) {}
  take(text: string): string {
    this.used += text.length;
    if (this.used > this.max) {
      throw new ExtractionRefused(`the extracted text exceeds ${this.max} characters; split the file`);
    }
    return text;
  }
}
