import { readFile } from 'node:fs/promises';
import type { CreateActionBody } from '@chatty/contracts';
import type { Command } from 'commander';
import { printJson, printTable, UsageError } from '../output.js';
import { resolveAction, resolveGpt } from '../resolve.js';
import { connect } from '../session.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `Name: value` → [name, value]. */
function headerOf(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`"${text}" is not a header; write it as "Name: value"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** `name=value` → [name, value]. */
function pairOf(text: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new UsageError(`"${text}" is not name=value`);
  return [text.slice(0, equals), text.slice(equals + 1)];
}

/** An argument's value as JSON when it reads as a number or a boolean, else the text. */
function argumentValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

export function actionsCommand(program: Command): void {
  const actions = program.command('actions').description("A GPT's actions: HTTP calls its model may make");

  actions
    .command('add <gpt>')
    .description('Add an action; {{placeholders}} in the URL, parameters or headers become arguments')
    .option('--name <name>', 'display name; the model calls it by a name derived from it')
    .option('--url <url>', 'the URL to call')
    .option('--method <method>', 'GET, POST, PUT or DELETE', 'GET')
    .option('--description <text>', 'what it does, for the model')
    .option(
      '--header <header>',
      '"Name: value" (repeat); Authorization and *key*/*token*/*secret* are stored encrypted',
      collect,
    )
    .option('--param <pair>', 'query or body parameter name=value (repeat)', collect)
    .option('--file <path>', 'the action as JSON (the body of POST /api/gpts/:id/actions)')
    .option('--json', 'print the action as JSON')
    .action(
      async (
        reference: string,
        options: {
          name?: string;
          url?: string;
          method: string;
          description?: string;
          header?: string[];
          param?: string[];
          file?: string;
          json?: boolean;
        },
      ) => {
        let body: CreateActionBody;
        if (options.file) body = JSON.parse(await readFile(options.file, 'utf8')) as CreateActionBody;
        else {
          if (!options.name || !options.url) throw new UsageError('Give --name and --url (or --file)');
          body = {
            name: options.name,
            url: options.url,
            method: options.method.toUpperCase() as CreateActionBody['method'],
            ...(options.description && { description: options.description }),
            headers: Object.fromEntries((options.header ?? []).map(headerOf)),
            parameters: Object.fromEntries((options.param ?? []).map(pairOf)),
          };
        }
        const client = await connect();
        const gpt = await resolveGpt(client, reference);
        const action = await client.createAction(gpt.id, body);
        if (options.json) printJson(action);
        else
          process.stdout.write(
            `Added "${action.name}" to ${gpt.name}; the model calls it ${action.toolName} (${action.id})\n`,
          );
      },
    );

  actions
    .command('list <gpt>')
    .description("A GPT's actions (secret header values read ***)")
    .option('--json', 'print them as JSON')
    .action(async (reference: string, options: { json?: boolean }) => {
      const client = await connect();
      const gpt = await resolveGpt(client, reference);
      const list = await client.listActions(gpt.id);
      if (options.json) return printJson(list);
      if (list.length === 0) return void process.stdout.write(`${gpt.name} has no actions\n`);
      printTable([
        ['ID', 'NAME', 'TOOL', 'METHOD', 'URL'],
        ...list.map((action) => [action.id, action.name, action.toolName, action.method, action.url]),
      ]);
    });

  /** Sets one entry of an action's headers or parameters; the others go back as they read (secrets as ***, which keeps them). */
  const setOne =
    (field: 'headers' | 'parameters', parse: (text: string) => [string, string]) =>
    async (reference: string, actionReference: string, entry: string, options: { json?: boolean }) => {
      const client = await connect();
      const gpt = await resolveGpt(client, reference);
      const action = await resolveAction(client, gpt, actionReference);
      const [name, value] = parse(entry);
      const updated = await client.updateAction(action.id, { [field]: { ...action[field], [name]: value } });
      if (options.json) printJson(updated);
      else process.stdout.write(`Set ${name} on "${updated.name}"\n`);
    };

  actions
    .command('set-header <gpt> <action> <header>')
    .description('Set one header of an action ("Name: value"), e.g. a secret an import left out')
    .option('--json', 'print the action as JSON')
    .action(setOne('headers', headerOf));

  actions
    .command('set-parameter <gpt> <action> <pair>')
    .description('Set one query parameter of an action (name=value), e.g. an API key an import left out')
    .option('--json', 'print the action as JSON')
    .action(setOne('parameters', pairOf));

  actions
    .command('test <gpt> <action>')
    .description('Run an action once with arguments and print what the target answered')
    .option('--arg <pair>', 'argument name=value (repeat)', collect)
    .option('--json', 'print the result as JSON')
    .action(
      async (reference: string, actionReference: string, options: { arg?: string[]; json?: boolean }) => {
        const client = await connect();
        const gpt = await resolveGpt(client, reference);
        const action = await resolveAction(client, gpt, actionReference);
        const args = Object.fromEntries(
          (options.arg ?? []).map(pairOf).map(([name, value]) => [name, argumentValue(value)]),
        );
        const result = await client.executeAction(action.id, args);
        if (options.json) return printJson(result);
        process.stdout.write(
          `HTTP ${result.status} in ${Math.round(result.durationMs)} ms${result.truncated ? ' (body cut)' : ''}\n`,
        );
        process.stdout.write(`${result.body}${result.body.endsWith('\n') ? '' : '\n'}`);
        // The action ran; a target's error status is still a failure for a script.
        if (result.status >= 400) process.exitCode = 1;
      },
    );
}
