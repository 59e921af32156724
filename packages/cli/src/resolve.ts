import type { ChattyClient } from '@chatty/client';
import type { Action, Gpt } from '@chatty/contracts';
import { UsageError } from './output.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GPT named by its id, or by its name (ignoring case) when exactly one GPT has it. */
export async function resolveGpt(client: ChattyClient, reference: string): Promise<Gpt> {
  if (UUID.test(reference)) return client.getGpt(reference);
  const wanted = reference.trim().toLowerCase();
  const matches = (await client.listGpts()).filter((gpt) => gpt.name.toLowerCase() === wanted);
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`No GPT is named "${reference}" (see \`chatty gpts list\`)`);
  throw new UsageError(`${matches.length} GPTs are named "${reference}"; name one by its id`);
}

/** An action of the GPT by id, name or tool name. */
export async function resolveAction(client: ChattyClient, gpt: Gpt, reference: string): Promise<Action> {
  const actions = await client.listActions(gpt.id);
  const wanted = reference.toLowerCase();
  const found =
    actions.find((action) => action.id === reference) ??
    actions.find((action) => action.name.toLowerCase() === wanted || action.toolName === wanted);
  if (!found) throw new UsageError(`${gpt.name} has no action "${reference}"`);
  return found;
}
