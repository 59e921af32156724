import { ChattyError, ChattyTimeoutError } from '@chatty/client';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows as aligned columns; the first row is the header. */
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}

/** A failure as the user sees it: the server's message and code, or the error's own message. */
export function describeError(error: unknown): string {
  if (error instanceof ChattyError) return `${error.message} (${error.code}, HTTP ${error.status})`;
  if (error instanceof ChattyTimeoutError)
    return `${error.message} (--timeout or CHATTY_TIMEOUT sets the limit, in seconds; 0 waits as long as it takes)`;
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (error.message === 'fetch failed' && cause)
      return `Cannot reach the server: ${cause.message ?? cause.code}`;
    return error.message;
  }
  return String(error);
}

/** An error of the user's own making (a bad option); printed without a stack. */
export class UsageError extends Error {}
