import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

/**
 * Renders a streamed Markdown answer for the terminal block by block: a block is rendered once it is
 * complete (a blank line outside a code fence, or the fence's closing line), so lists, tables and code
 * come out whole. On a terminal (`live`) the unfinished block is shown as plain text meanwhile, then
 * erased and replaced by its rendering, so the answer still appears word by word. `finish` renders
 * what is left.
 */
export class MarkdownStream {
  readonly #marked: Marked;
  readonly #write: (text: string) => void;
  readonly #live: boolean;
  readonly #columns: number;
  #pending = '';
  #shown = '';

  constructor(write: (text: string) => void, { width = process.stdout.columns || 80, live = false } = {}) {
    this.#write = write;
    this.#live = live;
    this.#columns = width;
    this.#marked = new Marked();
    this.#marked.use(markedTerminal({ width: Math.min(width, 100), reflowText: true }) as never);
  }

  push(delta: string): void {
    this.#pending += delta;
    const end = completeBlocksEnd(this.#pending);
    if (end > 0) {
      this.#erase();
      this.#render(this.#pending.slice(0, end));
      this.#pending = this.#pending.slice(end);
      this.#show(this.#pending);
    } else {
      this.#show(delta);
    }
  }

  finish(): void {
    this.#erase();
    if (this.#pending.trim()) this.#render(this.#pending);
    this.#pending = '';
  }

  #render(markdown: string): void {
    const rendered = this.#marked.parse(markdown, { async: false }) as string;
    this.#write(rendered.replace(/\n+$/, '\n\n'));
  }

  /** The unfinished block as it comes, on a terminal only. */
  #show(text: string): void {
    if (!this.#live || !text) return;
    this.#shown += text;
    this.#write(text);
  }

  /** Removes the plain text shown for the unfinished block: back up over its rows, clear below. */
  #erase(): void {
    if (!this.#shown) return;
    const rows = this.#shown
      .split('\n')
      .reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / this.#columns)), 0);
    this.#write(`\r${rows > 1 ? `\x1b[${rows - 1}A` : ''}\x1b[J`);
    this.#shown = '';
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
