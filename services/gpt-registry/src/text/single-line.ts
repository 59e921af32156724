import { badRequest } from '@chatty/shared';

/**
 * A C0 control character (U+0000–U+001F: line breaks and tabs too) or DEL. Without flags, so `test`
 * keeps no state between calls; to remove them all, derive a global copy (`new RegExp(it, 'g')`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * `value` when it holds no C0 control character or DEL, else 400 `code`. For text shown on one line
 * (a name in a list, a button, a log line), where a line break or an escape would break the layout or
 * forge a line; text meant to span lines (instructions, descriptions) keeps its breaks and tabs.
 */
export function checkSingleLine(value: string, code: string, field: string): string {
  if (CONTROL_CHARACTERS.test(value)) {
    throw badRequest(code, `${field} may not hold control characters or line breaks`);
  }
  return value;
}

/**
 * A name shown on one line (a GPT, an action, a workspace, a key, a person): trimmed, and 400
 * INVALID_NAME when nothing is left or it holds a control character.
 */
export function nameOf(value: string, field = 'name'): string {
  const trimmed = value.trim();
  if (!trimmed) throw badRequest('INVALID_NAME', `${field} may not be empty`);
  return checkSingleLine(trimmed, 'INVALID_NAME', field);
}
