import type { Gpt } from '../api/types.js';

/** The editable part of a GPT, as the form holds it. */
export interface Draft {
  name: string;
  description: string;
  instructions: string;
  conversationStarters: string[];
  capabilities: Gpt['capabilities'];
  modelId: string;
  isActive: boolean;
}

export const EMPTY_DRAFT: Draft = {
  name: '',
  description: '',
  instructions: '',
  conversationStarters: [],
  capabilities: { webSearch: false, canvas: false, imageGeneration: false, codeInterpreter: false },
  modelId: '',
  isActive: false,
};

export function draftOf(gpt: Gpt): Draft {
  return {
    name: gpt.name,
    description: gpt.description,
    instructions: gpt.instructions,
    conversationStarters: gpt.conversationStarters,
    capabilities: gpt.capabilities,
    modelId: gpt.modelId,
    isActive: gpt.isActive,
  };
}

/** Starters left blank in the form are not sent. */
export function bodyOf(draft: Draft): Draft {
  return { ...draft, conversationStarters: draft.conversationStarters.map((s) => s.trim()).filter(Boolean) };
}

export function isDirty(draft: Draft, saved: Draft): boolean {
  return JSON.stringify(bodyOf(draft)) !== JSON.stringify(bodyOf(saved));
}
