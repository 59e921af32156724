import type { ServiceClient } from '@chatty/shared';

/** The GPT as the registry's runtime route gives it (the public GPT shape; the gateway reads these). */
export interface RuntimeGpt {
  id: string;
  name: string;
  instructions: string;
  modelId: string;
  userId?: string;
  /** The GPT's switches; `webSearch` gives its model the web_search tool. */
  capabilities?: { webSearch?: boolean };
}

export interface RuntimeAction {
  id: string;
  /** The display name, shown to people. */
  name: string;
  /** What the model calls it by. */
  toolName: string;
  description: string;
  arguments: Array<{ name: string; type: string; description?: string; required?: boolean }>;
}

export interface GptRuntime {
  gpt: RuntimeGpt;
  actions: RuntimeAction[];
}

export interface LookedUp {
  users: Array<{ id: string; email: string; name: string | null; role: 'admin' | 'user' }>;
  gpts: Array<{ id: string; name: string; userId: string }>;
}

export interface GptSummary {
  id: string;
  name: string;
  description: string;
  modelId: string;
  createdAt: string;
}

/** The registry's `/internal/*` routes the chat needs (docs/internal-contracts.md). */
export function registryApi(call: ServiceClient) {
  const user = (userId: string) => `userId=${encodeURIComponent(userId)}`;
  return {
    /** The GPT and its active actions when the user owns it; a 404 AppError otherwise. */
    runtime: (gptId: string, userId: string, requestId?: string) =>
      call<GptRuntime>({ path: `/internal/gpts/${gptId}/runtime?${user(userId)}`, requestId }),
    context: async (gptId: string, userId: string, requestId?: string) =>
      (
        await call<{ context: string }>({
          path: `/internal/gpts/${gptId}/context?${user(userId)}`,
          requestId,
        })
      ).context,
    /** Reports a new chat session, for the count of conversations the catalogue shows. */
    countConversation: async (gptId: string, userId: string, requestId?: string) => {
      await call({
        method: 'POST',
        path: `/internal/gpts/${gptId}/conversations`,
        body: { userId },
        requestId,
      });
    },
    gpts: async (userId: string, requestId?: string) =>
      (await call<{ items: GptSummary[] }>({ path: `/internal/gpts?${user(userId)}`, requestId })).items,
    /** Users' emails and roles and GPTs' names, for reports; unknown ids are left out. */
    lookup: (body: { userIds: string[]; gptIds?: string[] }, requestId?: string) =>
      call<LookedUp>({ method: 'POST', path: '/internal/lookup', body, requestId }),
    executeAction: (
      actionId: string,
      body: { userId: string; arguments: Record<string, unknown>; sessionId?: string },
      options: { requestId?: string; signal?: AbortSignal; timeoutMs?: number },
    ) =>
      call<Record<string, unknown>>({
        method: 'POST',
        path: `/internal/actions/${actionId}/execute`,
        body,
        ...options,
      }),
  };
}

export type RegistryApi = ReturnType<typeof registryApi>;
