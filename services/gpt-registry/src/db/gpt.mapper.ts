import type { Gpt } from '@chatty/contracts';
import type { GptAccess } from './gpt-access.repository.js';
import type { GptCapabilities, GptRow } from './schema.js';

export const NO_CAPABILITIES: GptCapabilities = {
  webSearch: false,
  canvas: false,
  imageGeneration: false,
  codeInterpreter: false,
};

/** The GPT as the API gives it; `access` is added when the caller is not its owner. */
export function toGpt(row: GptRow, access: GptAccess = 'owner'): Gpt {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    instructions: row.instructions,
    conversationStarters: row.conversation_starters,
    avatar: row.avatar,
    capabilities: { ...NO_CAPABILITIES, ...row.capabilities },
    modelId: row.model_id,
    isActive: row.is_active,
    userId: row.user_id,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(access !== 'owner' && { access }),
  };
}
