import { closeSync, openSync, readSync } from 'node:fs';

/** `NAME_FILE=/run/secrets/x` stands for `NAME=<the content of /run/secrets/x>`. */
export const FILE_SUFFIX = '_FILE';

/** Docker secrets are short; a larger file is a wrong path (a log, /dev/zero), not a secret. */
const MAX_FILE_BYTES = 64 * 1024;

export interface FileVariables {
  /** The environment with each `NAME_FILE` read into `NAME`. */
  env: Record<string, string | undefined>;
  /** The keys whose value came from a file, each with the variable that named the file. */
  fromFile: Map<string, string>;
  problems: string[];
}

/**
 * The Docker secrets convention, for every key a schema declares: a secret can live in a file mounted
 * into the container instead of in the environment, where `docker inspect`, `/proc/<pid>/environ` and
 * every child process would see it. Problems name keys and paths, never what a file holds.
 */
export function readFileVariables(keys: string[], env: Record<string, string | undefined>): FileVariables {
  const resolved = { ...env };
  const fromFile = new Map<string, string>();
  const problems: string[] = [];
  for (const key of keys) {
    const fileKey = `${key}${FILE_SUFFIX}`;
    const path = env[fileKey];
    // Empty means unset, as for every other variable (compose writes `${NAME:-}` as an empty string).
    if (!path) continue;
    if (env[key]) {
      problems.push(`${fileKey}: ${key} is set too; set only one of them`);
      continue;
    }
    let value: string;
    try {
      value = readSmallFile(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push(`${fileKey}: cannot read ${path} (${reason})`);
      continue;
    }
    // An empty secret file is a mistake (a failed `openssl` in a setup script); falling back to a
    // default, or to a key generated on the spot, would hide it.
    if (!value) {
      problems.push(`${fileKey}: ${path} is empty`);
      continue;
    }
    resolved[key] = value;
    fromFile.set(key, fileKey);
  }
  return { env: resolved, fromFile, problems };
}

/** The file's text without the trailing newline(s) that `echo` and editors add. */
function readSmallFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    let read: number;
    do {
      read = readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
    } while (read > 0 && length < buffer.length);
    if (length > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
    return buffer.toString('utf8', 0, length).replace(/[\r\n]+$/, '');
  } finally {
    closeSync(fd);
  }
}
