import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

/**
 * Renders a streamed Markdown answer for the terminal block by block: text is held until a block is
 * complete (a blank line outside a code fence, or the fence's closing line), then that block is
 * rendered and written, so lists, tables and code come out whole and the answer still appears as it
 * is generated. `finish` renders what is left.
 */
export class MarkdownStream {
  readonly #marked: Marked;
  readonly #write: (text: string) => void;
  #pending = '';

  constructor(write: (text: string) => void, width = process.stdout.columns || 80) {
    this.#write = write;
    this.#marked = new Marked();
    this.#marked.use(markedTerminal({ width: Math.min(width, 100), reflowText: true }) as never);
  }

  push(delta: string): void {
    this.#pending += delta;
    const end = completeBlocksEnd(this.#pending);
    if (end > 0) {
      this.#render(this.#pending.slice(0, end));
      this.#pending = this.#pending.slice(end);
    }
  }

  finish(): void {
    if (this.#pending.trim()) this.#render(this.#pending);
    this.#pending = '';
  }

  #render(markdown: string): void {
    const rendered = this.#marked.parse(markdown, { async: false }) as string;
    this.#write(rendered.replace(/\n+$/, '\n\n'));
  }
}

/** Where the last complete block ends in `text`: after a blank line or a fence's closing line, outside fences. */
export function completeBlocksEnd(text: string): number {
  let inFence = false;
  let end = 0;
  let offset = 0;
  const lines = text.split('\n');
  // The last piece has no newline yet: it is an unfinished line.
  for (let index = 0; index < lines.length - 1; index++) {
    const line = lines[index]!;
    offset += line.length + 1;
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      if (!inFence) end = offset;
    } else if (!inFence && line.trim() === '' && offset > 1) {
      end = offset;
    }
  }
  return end;
}
