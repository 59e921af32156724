import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CreateGptBody, Gpt, ImportReport, UpdateGptBody } from '@chatty/contracts';
import type { Command } from 'commander';
import { confirm } from '../ask.js';
import { printJson, printTable, UsageError } from '../output.js';
import { ProgressLine } from '../progress.js';
import { accessOf, listAllGpts, resolveGpt } from '../resolve.js';
import { connect } from '../session.js';

const CAPABILITIES = ['webSearch', 'canvas', 'imageGeneration', 'codeInterpreter'] as const;

interface GptOptions {
  name?: string;
  model?: string;
  description?: string;
  instructions?: string;
  instructionsFile?: string;
  starter?: string[];
  capability?: string[];
  active?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function withGptOptions(command: Command): Command {
  return command
    .option('--name <name>', 'display name')
    .option('--model <model>', 'model id, key or alias (see GET /api/models)')
    .option('--description <text>', 'one line shown in lists')
    .option('--instructions <text>', 'the system prompt')
    .option('--instructions-file <path>', 'read the instructions from a file')
    .option('--starter <text>', 'a conversation starter (repeat for more)', collect)
    .option('--capability <name>', `turn on a capability: ${CAPABILITIES.join(', ')} (repeat)`, collect)
    .option('--active', 'mark it active')
    .option('--inactive', 'mark it inactive')
    .option('--json', 'print the GPT as JSON');
}

async function fieldsOf(options: GptOptions & { inactive?: boolean }): Promise<UpdateGptBody> {
  const fields: UpdateGptBody = {};
  if (options.name !== undefined) fields.name = options.name;
  if (options.model !== undefined) fields.modelId = options.model;
  if (options.description !== undefined) fields.description = options.description;
  if (options.instructions !== undefined) fields.instructions = options.instructions;
  if (options.instructionsFile) fields.instructions = await readFile(options.instructionsFile, 'utf8');
  if (options.starter) fields.conversationStarters = options.starter;
  if (options.capability) {
    for (const name of options.capability) {
      if (!(CAPABILITIES as readonly string[]).includes(name)) {
        throw new UsageError(`Unknown capability "${name}"; known: ${CAPABILITIES.join(', ')}`);
      }
    }
    fields.capabilities = Object.fromEntries(
      CAPABILITIES.map((name) => [name, options.capability!.includes(name)]),
    );
  }
  if (options.active) fields.isActive = true;
  if (options.inactive) fields.isActive = false;
  return fields;
}

/** `--if-version`'s value: a version is a whole number from 1 on. */
function versionOf(text: string): number {
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1)
    throw new UsageError(`--if-version must be a whole number ≥ 1, not "${text}"`);
  return Number(text);
}

function printGpt(gpt: Gpt): void {
  const on = Object.entries(gpt.capabilities)
    .filter(([, value]) => value)
    .map(([name]) => name);
  const lines = [
    `${gpt.name}  (${gpt.id})`,
    `  model:        ${gpt.modelId}`,
    `  version:      ${gpt.version}`,
    `  active:       ${gpt.isActive ? 'yes' : 'no'}`,
    ...(gpt.access ? [`  access:       ${gpt.access} (shared with you)`] : []),
    `  description:  ${gpt.description || '-'}`,
    `  capabilities: ${on.join(', ') || '-'}`,
    ...(gpt.conversationStarters.length
      ? ['  starters:', ...gpt.conversationStarters.map((s) => `    - ${s}`)]
      : []),
    '  instructions:',
    ...(gpt.instructions || '-').split('\n').map((line) => `    ${line}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printReport(report: ImportReport): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    report.created
      ? `Imported "${report.gpt.name}" as a new GPT (${report.gpt.id}), from version ${report.sourceVersion}`
      : `Imported into "${report.gpt.name}" (${report.gpt.id}): now version ${report.gpt.version}`,
  );
  out(
    `  actions: ${report.actions.length}${report.actions.some((a) => a.replaced) ? ' (same-named ones replaced)' : ''}`,
  );
  out(
    `  files:   ${report.files.length} queued for ingestion${report.skippedFiles.length ? `, ${report.skippedFiles.length} already there` : ''}`,
  );
  if (report.secretsToSet.length > 0) {
    out('Secrets to set again (they are never exported):');
    for (const secret of report.secretsToSet) {
      out(
        `  - ${secret.action}: ${secret.header ? `header ${secret.header}` : `parameter ${secret.parameter}`}`,
      );
    }
    out('  e.g. chatty actions set-header <gpt> <action> "Authorization: Bearer …"');
    if (report.secretsToSet.some((secret) => secret.parameter))
      out('  or   chatty actions set-parameter <gpt> <action> key=…');
  }
}

export function gptsCommand(program: Command): void {
  const gpts = program
    .command('gpts')
    .description('List, show, create, change, delete, export and import GPTs');

  gpts
    .command('list')
    .description('Your GPTs, newest first, then those shared with you (ACCESS says which: owner, edit, chat)')
    .option('--json', 'print them as JSON (a shared one has its "access")')
    .action(async (options: { json?: boolean }) => {
      const list = await listAllGpts(await connect());
      if (options.json) return printJson(list);
      if (list.length === 0)
        return void process.stdout.write('No GPTs yet: chatty gpts create --name … --model …\n');
      printTable([
        ['ID', 'NAME', 'MODEL', 'VERSION', 'ACTIVE', 'ACCESS'],
        ...list.map((gpt) => [
          gpt.id,
          gpt.name,
          gpt.modelId,
          String(gpt.version),
          gpt.isActive ? 'yes' : 'no',
          accessOf(gpt),
        ]),
      ]);
    });

  gpts
    .command('show <gpt>')
    .description('One GPT, by id or name')
    .option('--json', 'print it as JSON')
    .action(async (reference: string, options: { json?: boolean }) => {
      const gpt = await resolveGpt(await connect(), reference);
      if (options.json) printJson(gpt);
      else printGpt(gpt);
    });

  withGptOptions(gpts.command('create').description('Create a GPT (--name and --model are required)')).action(
    async (options: GptOptions) => {
      if (!options.name || !options.model) throw new UsageError('Give at least --name and --model');
      const gpt = await (await connect()).createGpt((await fieldsOf(options)) as CreateGptBody);
      if (options.json) printJson(gpt);
      else process.stdout.write(`Created "${gpt.name}" (${gpt.id})\n`);
    },
  );

  withGptOptions(gpts.command('edit <gpt>').description('Change a GPT; each change is a new version'))
    .option('--if-version <n>', 'apply only if the GPT is still at this version')
    .action(async (reference: string, options: GptOptions & { ifVersion?: string }) => {
      const ifVersion = options.ifVersion === undefined ? undefined : versionOf(options.ifVersion);
      const client = await connect();
      const gpt = await resolveGpt(client, reference);
      const fields = await fieldsOf(options);
      if (Object.keys(fields).length === 0)
        throw new UsageError('Nothing to change: give an option such as --name');
      const updated = await client.updateGpt(gpt.id, {
        ...fields,
        ...(ifVersion !== undefined && { version: ifVersion }),
      });
      if (options.json) printJson(updated);
      else process.stdout.write(`Updated "${updated.name}": version ${updated.version}\n`);
    });

  gpts
    .command('delete <gpt>')
    .description(
      'Delete a GPT with its files, actions and chats; asks first on a terminal, and needs --yes otherwise',
    )
    .option('-y, --yes', 'delete without asking (required when stdin is not a terminal)')
    .option('--json', 'print the result as JSON')
    .action(async (reference: string, options: { yes?: boolean; json?: boolean }) => {
      const client = await connect();
      const gpt = await resolveGpt(client, reference);
      if (!options.yes) {
        // Nobody to ask: a script says so with --yes, as `chat` needs --allow-actions to run a call.
        if (!process.stdin.isTTY)
          throw new UsageError(
            `Deleting GPT "${gpt.name}" (${gpt.id}) cannot be undone; confirm with --yes (stdin is not a terminal to ask on)`,
          );
        if (
          !(await confirm(`Delete GPT "${gpt.name}" (${gpt.id}) with its files, actions and chats? [y/N] `))
        ) {
          process.stderr.write('Not deleted.\n');
          process.exitCode = 1;
          return;
        }
      }
      await client.deleteGpt(gpt.id);
      if (options.json) printJson({ deleted: gpt.id });
      else process.stdout.write(`Deleted "${gpt.name}" (${gpt.id})\n`);
    });

  gpts
    .command('export <gpt>')
    .description(
      'Save a GPT as a portable file: configuration, avatar, actions (no secrets), knowledge files',
    )
    .option('-o, --output <path>', 'where to write it (default: <name>.chatty.zip; "-" for stdout)')
    .option('--json', 'print the result as JSON')
    .action(async (reference: string, options: { output?: string; json?: boolean }) => {
      const client = await connect();
      const gpt = await resolveGpt(client, reference);
      const bytes = await client.exportGpt(gpt.id);
      if (options.output === '-') return void process.stdout.write(bytes);
      const path =
        options.output ??
        `${gpt.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'gpt'}.chatty.zip`;
      await writeFile(path, bytes);
      if (options.json) printJson({ gptId: gpt.id, version: gpt.version, path, bytes: bytes.length });
      else
        process.stdout.write(
          `Exported "${gpt.name}" (version ${gpt.version}) to ${path} (${bytes.length} bytes)\n`,
        );
    });

  gpts
    .command('import <file>')
    .description('Import a portable GPT file: a new GPT, or with --into a new version of one of yours')
    .option('--into <gpt>', 'the GPT to update instead of creating one')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, options: { into?: string; json?: boolean }) => {
      const client = await connect();
      const into = options.into ? (await resolveGpt(client, options.into)).id : undefined;
      const data = await readFile(path);
      const progress = new ProgressLine(`uploading ${basename(path)}`);
      const report = await client.importGpt(
        { name: basename(path), data, type: 'application/zip' },
        { ...(into && { into }), onProgress: (sent, total) => progress.update(sent / total) },
      );
      progress.done('uploaded');
      if (options.json) printJson(report);
      else printReport(report);
    });
}
