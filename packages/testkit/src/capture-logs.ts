import { createLogger, type Logger } from '@chatty/shared';

export interface CapturedLogs {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines: Array<Record<string, unknown>>;
  /** Every line as raw text, for asserting that something never appears. */
  text(): string;
}

/** A real pino logger (with the services' redaction) whose output a test can read. */
export function captureLogs(name = 'test', level = 'debug'): CapturedLogs {
  const raw: string[] = [];
  const logger = createLogger({
    name,
    level,
    destination: { write: (line: string) => void raw.push(line) },
  });
  return {
    logger,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(''),
  };
}
