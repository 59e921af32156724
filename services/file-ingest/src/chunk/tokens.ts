/**
 * An estimate of model tokens: about four characters each for English text with common tokenizers.
 * Budgets are approximate by nature (each model counts differently), so no tokenizer is loaded.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export const CHARS_PER_TOKEN = 4;
