/**
 * A one-line progress bar on stderr, redrawn in place on a terminal; elsewhere (a pipe, a log) only
 * its final state is written, so scripts get one line per file and no control characters.
 */
export class ProgressLine {
  readonly #label: string;
  readonly #live = Boolean(process.stderr.isTTY);
  #last = '';

  constructor(label: string) {
    this.#label = label;
  }

  update(fraction: number, note = ''): void {
    if (!this.#live) return;
    const line = this.#render(fraction, note);
    if (line === this.#last) return;
    this.#last = line;
    process.stderr.write(`\r\x1b[2K${line}`);
  }

  done(note: string): void {
    const line = `${this.#label}  ${note}`;
    process.stderr.write(this.#live ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  #render(fraction: number, note: string): string {
    const width = 24;
    const clamped = Math.min(1, Math.max(0, fraction));
    const filled = Math.round(clamped * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    return `${this.#label}  [${bar}] ${String(Math.round(clamped * 100)).padStart(3)}%${note ? `  ${note}` : ''}`;
  }
}
