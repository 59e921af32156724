import { createInterface, type Interface } from 'node:readline';
import type { ChattyClient } from '@chatty/client';
import type { ChatStreamEventData, Message } from '@chatty/contracts';
import type { Command } from 'commander';
import { MarkdownStream } from '../markdown.js';
import { describeError, printJson, UsageError } from '../output.js';
import { type ChatTarget, resolveChatTarget } from '../resolve.js';
import { connect } from '../session.js';

interface ChatOptions {
  session?: string;
  json?: boolean;
  /** Piped: run the action calls that wait for a confirmation (refused otherwise). */
  allowActions?: boolean;
}

/** A call waiting for the user, as a line: `Create ticket wants POST with {"title":"…"}`. */
function describeCall(event: ChatStreamEventData<'confirm'>): string {
  const args = Object.keys(event.arguments).length ? ` with ${JSON.stringify(event.arguments)}` : '';
  return `${event.action} wants ${event.method}${args}`;
}

/** The sources an answer cites, one line each: `[1] notes.md, page 2`, or a web page's title and address. */
function citationLines(message: Message): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const citation of message.citations ?? []) {
    const label =
      'url' in citation
        ? `${citation.title || citation.url} <${citation.url}>`
        : `${citation.fileName}${citation.page !== null ? `, page ${citation.page}` : ''}`;
    if (seen.has(label)) continue;
    seen.add(label);
    lines.push(`[${lines.length + 1}] ${label}`);
  }
  return lines;
}

async function readAllStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  return text.trim();
}

/** `echo question | chatty chat <gpt>`: one question, the answer on stdout as it comes. */
async function answerOnce(client: ChattyClient, gpt: ChatTarget, options: ChatOptions): Promise<void> {
  const question = await readAllStdin();
  if (!question) throw new UsageError('No question on stdin');
  const sessionId = options.session ?? (await client.createSession(gpt.id)).id;
  let message: Message | undefined;
  for await (const event of client.streamMessage(sessionId, question)) {
    if (event.type === 'delta' && !options.json) process.stdout.write(event.content);
    if (event.type === 'done') message = event.message;
    if (event.type === 'confirm') {
      // Nobody to ask: the flag decides, at once rather than after the server's wait.
      const allow = options.allowActions === true;
      await client.decideConfirmation(sessionId, event.id, allow);
      process.stderr.write(
        `→ ${describeCall(event)}: ${allow ? 'allowed (--allow-actions)' : 'refused (--allow-actions allows it)'}\n`,
      );
    }
  }
  if (!message) throw new Error('The answer ended without its message');
  if (options.json) return printJson({ sessionId, message });
  if (!message.content.endsWith('\n')) process.stdout.write('\n');
  const sources = citationLines(message);
  if (sources.length > 0)
    process.stdout.write(`\nSources:\n${sources.map((line) => `  ${line}`).join('\n')}\n`);
}

const HELP =
  'Commands: /new (a new chat), /sessions (list; /sessions N resumes one), /exit. Ctrl-C stops an answer.';

/** The terminal chat: a prompt, answers rendered as Markdown as they stream, Ctrl-C to stop one. */
async function interactive(client: ChattyClient, gpt: ChatTarget, options: ChatOptions): Promise<void> {
  const out = (text: string) => process.stdout.write(text);
  const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
  let sessionId = options.session;
  let sessions: Array<{ id: string; createdAt: string }> = [];
  let answering: AbortController | undefined;
  const rl: Interface = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  rl.setPrompt('you › ');
  out(`${gpt.name}${gpt.modelId ? ` · ${gpt.modelId}` : ''}\n${dim(HELP)}\n`);
  if (gpt.conversationStarters.length > 0) out(dim(`Try: ${gpt.conversationStarters.join(' · ')}\n`));
  out('\n');

  // The answer waits on the server meanwhile; Ctrl-C (the answer's signal) stops both, and cancels
  // the question so that the next line typed is a new message, not a late answer to it.
  const askYesNo = (query: string, signal: AbortSignal) =>
    new Promise<boolean>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      rl.question(query, { signal }, (reply) => {
        signal.removeEventListener('abort', onAbort);
        resolve(/^y(es)?$/i.test(reply.trim()));
      });
    });

  const ask = async (question: string) => {
    answering = new AbortController();
    const markdown = new MarkdownStream(out, { live: true });
    out('\n');
    try {
      sessionId ??= (await client.createSession(gpt.id)).id;
      for await (const event of client.streamMessage(sessionId, question, answering.signal)) {
        if (event.type === 'delta') markdown.push(event.content);
        else if (event.type === 'action') out(dim(`→ ${event.name}: ${event.status}\n`));
        else if (event.type === 'search') out(dim(`→ web search "${event.query}": ${event.status}\n`));
        else if (event.type === 'confirm') {
          markdown.finish();
          const allow = await askYesNo(`→ ${describeCall(event)}. Allow? [y/N] `, answering.signal);
          await client.decideConfirmation(sessionId, event.id, allow);
        } else {
          markdown.finish();
          const sources = citationLines(event.message);
          if (sources.length > 0) out(dim(`Sources:\n${sources.map((line) => `  ${line}`).join('\n')}\n`));
        }
      }
    } catch (error) {
      markdown.finish();
      if (answering.signal.aborted) out(dim('\n(stopped)\n'));
      else out(`\x1b[31mError: ${describeError(error)}\x1b[39m\n`);
    } finally {
      answering = undefined;
      out('\n');
    }
  };

  const command = async (line: string) => {
    const [name, argument] = line.split(/\s+/, 2);
    if (name === '/exit' || name === '/quit') return rl.close();
    if (name === '/new') {
      sessionId = undefined;
      return out(dim('New chat.\n\n'));
    }
    if (name === '/sessions') {
      if (argument) {
        const chosen = sessions[Number(argument) - 1] ?? sessions.find((each) => each.id === argument);
        if (!chosen) return out(dim('No such session; /sessions lists them.\n\n'));
        sessionId = chosen.id;
        const history = await client.getSession(chosen.id);
        out(
          dim(
            `Resumed the chat of ${new Date(chosen.createdAt).toLocaleString()} (${history.messages.length} messages).\n\n`,
          ),
        );
        return;
      }
      sessions = await client.listSessions(gpt.id);
      if (sessions.length === 0) return out(dim('No chats yet.\n\n'));
      sessions.forEach((each, index) => {
        const mark = each.id === sessionId ? ' (this one)' : '';
        out(`  ${index + 1}. ${new Date(each.createdAt).toLocaleString()}  ${each.id}${mark}\n`);
      });
      return out(dim('/sessions N resumes one.\n\n'));
    }
    out(dim(`${HELP}\n\n`));
  };

  rl.on('SIGINT', () => {
    if (answering) answering.abort();
    else rl.close();
  });
  await new Promise<void>((resolve) => {
    let queue = Promise.resolve();
    rl.on('line', (text) => {
      const line = text.trim();
      // A line typed while an answer streams waits for it.
      queue = queue.then(async () => {
        if (line) {
          try {
            if (line.startsWith('/')) await command(line);
            else await ask(line);
          } catch (error) {
            out(`\x1b[31mError: ${describeError(error)}\x1b[39m\n\n`);
          }
        }
        if (!closed) rl.prompt();
      });
    });
    let closed = false;
    rl.on('close', () => {
      closed = true;
      answering?.abort();
      queue.then(() => resolve());
    });
    rl.prompt();
  });
  out('\n');
}

export function chatCommand(program: Command): void {
  program
    .command('chat <gpt>')
    .description('Chat with a GPT: interactive in a terminal; with stdin piped, answers that one question')
    .option('--session <id>', 'continue this chat session')
    .option('--json', 'non-interactive: print {sessionId, message} as JSON')
    .option(
      '--allow-actions',
      'non-interactive: run action calls that ask for a confirmation (refused otherwise)',
    )
    .action(async (reference: string, options: ChatOptions) => {
      const client = await connect();
      // Resolved by what the key may read: a chat-scoped key reads /v1/models, not /api/gpts.
      const gpt = await resolveChatTarget(client, reference);
      if (process.stdin.isTTY && !options.json) await interactive(client, gpt, options);
      else await answerOnce(client, gpt, options);
    });
}
