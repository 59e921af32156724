import { type ChattyClient, ChattyError } from '@chatty/client';
import type { Action, Gpt } from '@chatty/contracts';
import { UsageError } from './output.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const nameKey = (name: string) => name.trim().toLowerCase();

/** The caller's own GPTs, then those shared with them (each with its `access`), newest first. */
export async function listAllGpts(client: ChattyClient): Promise<Gpt[]> {
  const [own, shared] = await Promise.all([client.listGpts(), client.listSharedGpts()]);
  const ids = new Set(own.map((gpt) => gpt.id));
  return [...own, ...shared.filter((gpt) => !ids.has(gpt.id))];
}

/** How the GPT is the caller's: `owner`, or the access a share gives (`edit`, `chat`, `catalogue`). */
export const accessOf = (gpt: Gpt): string => gpt.access ?? 'owner';

/** The one match for a name, or a UsageError saying there is none, or listing each to pick by id. */
function oneNamed<T>(
  reference: string,
  matches: T[],
  describe: (match: T) => string,
  none = `No GPT is named "${reference}" (see \`chatty gpts list\`)`,
): T {
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(none);
  throw new UsageError(
    `${matches.length} GPTs are named "${reference}"; name one by its id:\n${matches.map((match) => `  ${describe(match)}`).join('\n')}`,
  );
}

/**
 * A GPT named by its id, or by its name (ignoring case) when exactly one GPT has it, among the
 * caller's own and those shared with them.
 */
export async function resolveGpt(client: ChattyClient, reference: string): Promise<Gpt> {
  if (UUID.test(reference)) return client.getGpt(reference);
  const wanted = nameKey(reference);
  const matches = (await listAllGpts(client)).filter((gpt) => nameKey(gpt.name) === wanted);
  return oneNamed(reference, matches, (gpt) => {
    const access = gpt.access ? `, shared with you (${gpt.access})` : '';
    return `${gpt.id}  updated ${new Date(gpt.updatedAt).toLocaleString()}${access}`;
  });
}

/** What a chat needs of a GPT; a `chat`-scoped API key learns only its id and name. */
export interface ChatTarget {
  id: string;
  name: string;
  modelId?: string;
  conversationStarters: string[];
}

/** How `/v1/models` names a GPT (by how the caller has it); a base model is `chatty`. */
const GPT_OWNERS = new Set(['user', 'shared', 'catalogue']);

/**
 * The GPT to chat with, as resolveGpt finds it. A `chat`-scoped API key may not read `/api/gpts`
 * (403 KEY_SCOPE) but may read `/v1/models`, which lists every GPT it may chat with: by name its own
 * and those shared with its owner (as resolveGpt looks names up), by id a catalogue's too.
 */
export async function resolveChatTarget(client: ChattyClient, reference: string): Promise<ChatTarget> {
  try {
    return await resolveGpt(client, reference);
  } catch (error) {
    if (!(error instanceof ChattyError && error.code === 'KEY_SCOPE')) throw error;
  }
  if (UUID.test(reference)) {
    const model = await client.getOpenAiModel(reference).catch((error: unknown) => {
      throw error instanceof ChattyError && error.status === 404
        ? new ChattyError(404, 'NOT_FOUND', 'GPT not found')
        : error;
    });
    if (!GPT_OWNERS.has(model.owned_by)) throw new ChattyError(404, 'NOT_FOUND', 'GPT not found');
    return { id: model.id, name: model.name ?? model.id, conversationStarters: [] };
  }
  const wanted = nameKey(reference);
  const matches = (await client.listOpenAiModels()).filter(
    (model) =>
      (model.owned_by === 'user' || model.owned_by === 'shared') &&
      model.name !== undefined &&
      nameKey(model.name) === wanted,
  );
  const model = oneNamed(
    reference,
    matches,
    (each) => `${each.id}  created ${new Date(each.created * 1000).toLocaleString()}`,
    `No GPT of yours or shared with you is named "${reference}" (with a chat-scoped API key, name a GPT of a workspace catalogue by its id)`,
  );
  return { id: model.id, name: model.name ?? model.id, conversationStarters: [] };
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
