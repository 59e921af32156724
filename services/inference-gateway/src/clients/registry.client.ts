import { type InternalExecuteBody, type LookupBody, REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { callRoute, type ServiceClient } from '@chatty/shared';

const ROUTES = REGISTRY_INTERNAL_ROUTES;

/** The registry's `/internal/*` routes the chat needs, typed by their contracts (docs/internal-contracts.md). */
export function registryApi(call: ServiceClient) {
  return {
    /** The GPT and its active actions when the user may chat with it; a 404 AppError otherwise. */
    runtime: (gptId: string, userId: string, requestId?: string) =>
      callRoute(call, ROUTES.runtime, { params: { id: gptId }, query: { userId }, requestId }),
    /** What a chat turn needs of the GPT (see TurnView); `known`: the stamp of the runtime held. */
    turn: (gptId: string, userId: string, known: string | undefined, requestId?: string) =>
      callRoute(call, ROUTES.turn, {
        params: { id: gptId },
        query: known ? { userId, known } : { userId },
        requestId,
      }),
    /** The user's role: what an admin may see (worker URLs) and others may not. */
    role: async (userId: string, requestId?: string) =>
      (await callRoute(call, ROUTES.role, { params: { id: userId }, requestId })).role,
    /** Reports a new chat session, for the count of conversations the catalogue shows. */
    countConversation: async (gptId: string, userId: string, requestId?: string) => {
      await callRoute(call, ROUTES.countConversation, { params: { id: gptId }, body: { userId }, requestId });
    },
    /** Every GPT the user may chat with, with their access to it (`/v1/models`). */
    gpts: async (userId: string, requestId?: string) =>
      (await callRoute(call, ROUTES.gpts, { query: { userId }, requestId })).items,
    /** One GPT of `gpts`: undefined when the user may not chat with it. */
    gpt: async (gptId: string, userId: string, requestId?: string) =>
      (await callRoute(call, ROUTES.gpts, { query: { userId, id: gptId }, requestId })).items[0],
    /** Users' emails and roles and GPTs' names, for reports; unknown ids are left out. */
    lookup: (body: LookupBody, requestId?: string) => callRoute(call, ROUTES.lookup, { body, requestId }),
    /** The model's arguments go as it gave them: the registry checks them against the action's. */
    executeAction: (
      actionId: string,
      body: Omit<InternalExecuteBody, 'arguments'> & { arguments: Record<string, unknown> },
      options: { requestId?: string; signal?: AbortSignal; timeoutMs?: number },
    ) =>
      callRoute(call, ROUTES.executeAction, {
        params: { actionId },
        body: body as InternalExecuteBody,
        ...options,
      }),
  };
}

export type RegistryApi = ReturnType<typeof registryApi>;
