import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ChattyClient } from '@chatty/client';
import { type KnowledgeFile, SETTLED_FILE_STATUSES } from '@chatty/contracts';
import type { Command } from 'commander';
import { printJson, printTable } from '../output.js';
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

export function filesCommand(program: Command): void {
  const files = program.command('files').description("A GPT's knowledge files");

  files
    .command('add <gpt> <paths...>')
    .description('Upload knowledge files and follow their ingestion (progress on stderr)')
    .option('--no-wait', 'return once uploaded, without waiting for ingestion')
    .option('--json', 'print the files as JSON')
    .action(async (reference: string, paths: string[], options: { wait: boolean; json?: boolean }) => {
      const client = await connect();
      const gpt = await resolveGpt(client, reference);
      const results: KnowledgeFile[] = [];
      let failed = 0;
      for (const path of paths) {
        const name = basename(path);
        const data = await readFile(path);
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
    });

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
