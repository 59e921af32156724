import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ChattyClient } from '@chatty/client';
import { type KnowledgeFile, SETTLED_FILE_STATUSES } from '@chatty/contracts';
import type { Command } from 'commander';
import { printJson, printTable, UsageError } from '../output.js';
import { ProgressLine } from '../progress.js';
import { resolveGpt } from '../resolve.js';
import { connect } from '../session.js';

const POLL_MS = 300;

/** Follows a file's ingestion until it is ready or failed, drawing its progress. */
async function waitForIngestion(client: ChattyClient, file: KnowledgeFile, progress: ProgressLine) {
  let current = file;
  while (!SETTLED_FILE_STATUSES.has(current.status)) {
    progress.update(current.progress, current.status === 'queued' ? 'queued' : 'reading');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = await client.getFile(file.id);
  }
  return current;
}

/** Everything piped on stdin, as bytes. */
async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Each path's name and how to read its bytes; `-` is stdin, named by --name (the server decides the
 * type from the name's extension and the content, so a name is needed).
 */
function sourcesOf(paths: string[], stdinName: string | undefined) {
  const dashes = paths.filter((path) => path === '-').length;
  if (dashes > 1) throw new UsageError('"-" (stdin) may be given once');
  if (dashes === 1 && !stdinName)
    throw new UsageError(
      'Name the file read from stdin with --name, e.g. --name notes.md: its extension says its type',
    );
  if (dashes === 0 && stdinName !== undefined)
    throw new UsageError('--name names the file read from stdin; give "-" as its path');
  return paths.map((path) =>
    path === '-'
      ? { name: stdinName!, read: readStdin }
      : { name: basename(path), read: () => readFile(path) },
  );
}

export function filesCommand(program: Command): void {
  const files = program.command('files').description("A GPT's knowledge files");

  files
    .command('add <gpt> <paths...>')
    .description(
      'Upload knowledge files and follow their ingestion (progress on stderr); "-" reads one from stdin',
    )
    .option('--name <file name>', 'the name of the file read from stdin ("-"), e.g. notes.md')
    .option('--no-wait', 'return once uploaded, without waiting for ingestion')
    .option('--json', 'print the files as JSON')
    .action(
      async (
        reference: string,
        paths: string[],
        options: { name?: string; wait: boolean; json?: boolean },
      ) => {
        const sources = sourcesOf(paths, options.name);
        const client = await connect();
        const gpt = await resolveGpt(client, reference);
        const results: KnowledgeFile[] = [];
        let failed = 0;
        for (const { name, read } of sources) {
          const data = await read();
          const upload = new ProgressLine(`${name}  upload`);
          let file = await client.uploadFile(gpt.id, { name, data }, (sent, total) =>
            upload.update(sent / total),
          );
          upload.done(`uploaded (${data.length} bytes)`);
          if (options.wait) {
            const ingest = new ProgressLine(`${name}  ingest`);
            file = await waitForIngestion(client, file, ingest);
            if (file.status === 'ready') {
              ingest.done(
                `ready: ${file.chunkCount ?? 0} chunks${file.pageCount ? `, ${file.pageCount} pages` : ''}`,
              );
            } else {
              failed++;
              ingest.done(`failed: ${file.error ?? 'unknown error'}`);
            }
          }
          results.push(file);
        }
        if (options.json) printJson(results);
        if (failed > 0) process.exitCode = 1;
      },
    );

  files
    .command('list <gpt>')
    .description("A GPT's files with their status")
    .option('--json', 'print them as JSON')
    .action(async (reference: string, options: { json?: boolean }) => {
      const client = await connect();
      const gpt = await resolveGpt(client, reference);
      const list = await client.listFiles(gpt.id);
      if (options.json) return printJson(list);
      if (list.length === 0) return void process.stdout.write(`${gpt.name} has no knowledge files\n`);
      printTable([
        ['ID', 'NAME', 'SIZE', 'STATUS', 'CHUNKS'],
        ...list.map((file) => [
          file.id,
          file.originalName,
          String(file.size),
          file.status === 'failed' ? `failed: ${file.error ?? ''}` : file.status,
          String(file.chunkCount ?? '-'),
        ]),
      ]);
    });
}
