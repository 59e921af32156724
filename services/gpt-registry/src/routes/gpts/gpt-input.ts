import type { CreateGptBody, UpdateGptBody } from '@chatty/contracts';
import { badRequest, type ModelCatalog } from '@chatty/shared';
import { generateAvatar } from '../../avatar/generate-avatar.js';
import { checkAvatarField } from '../../avatar/validate-avatar.js';
import { NO_CAPABILITIES } from '../../db/gpt.mapper.js';
import type { GptFields } from '../../db/gpt.repository.js';
import { checkSingleLine, nameOf } from '../../text/single-line.js';

/** The canonical id of a model named by id, key or alias; 400 UNKNOWN_MODEL otherwise. */
export function resolveModelId(models: ModelCatalog, name: string): string {
  const model = models.resolve(name);
  if (!model) {
    const known = models.models.map((m) => m.id).join(', ');
    throw badRequest('UNKNOWN_MODEL', `Unknown model "${name}"; configured models: ${known}`);
  }
  return model.id;
}

/** The name as stored: trimmed, on one line (lists, tabs and logs show it). 400 INVALID_NAME otherwise. */
export function gptNameOf(name: string): string {
  return nameOf(name);
}

/** Each starter is a button's label: one line. 400 INVALID_CONVERSATION_STARTER otherwise. */
export function checkStarters(starters: string[]): string[] {
  for (const [index, starter] of starters.entries()) {
    checkSingleLine(starter, 'INVALID_CONVERSATION_STARTER', `conversationStarters[${index}]`);
  }
  return starters;
}

export async function fieldsForCreate(body: CreateGptBody, models: ModelCatalog): Promise<GptFields> {
  const name = gptNameOf(body.name);
  return {
    name,
    description: body.description ?? '',
    instructions: body.instructions ?? '',
    conversationStarters: checkStarters(body.conversationStarters ?? []),
    capabilities: { ...NO_CAPABILITIES, ...body.capabilities },
    modelId: resolveModelId(models, body.modelId),
    avatar: body.avatar ? await checkAvatarField(body.avatar) : generateAvatar(name),
    isActive: body.isActive ?? false,
  };
}

/**
 * Validates what needs I/O up front (model, avatar bytes), then returns the pure change applied to
 * the locked row inside the update transaction.
 */
export async function changeForUpdate(
  body: UpdateGptBody,
  models: ModelCatalog,
): Promise<(current: GptFields) => GptFields> {
  const newName = body.name === undefined ? undefined : gptNameOf(body.name);
  const starters = body.conversationStarters && checkStarters(body.conversationStarters);
  const modelId = body.modelId === undefined ? undefined : resolveModelId(models, body.modelId);
  const avatar = typeof body.avatar === 'string' ? await checkAvatarField(body.avatar) : body.avatar;
  return (current) => {
    const name = newName ?? current.name;
    // A generated avatar follows a renamed GPT; a chosen one stays.
    const keepsGenerated = current.avatar === generateAvatar(current.name);
    return {
      name,
      description: body.description ?? current.description,
      instructions: body.instructions ?? current.instructions,
      conversationStarters: starters ?? current.conversationStarters,
      capabilities: { ...current.capabilities, ...body.capabilities },
      modelId: modelId ?? current.modelId,
      avatar:
        avatar === null || (avatar === undefined && keepsGenerated)
          ? generateAvatar(name)
          : (avatar ?? current.avatar),
      isActive: body.isActive ?? current.isActive,
    };
  };
}
