import { ACTION_SECRET_MASK, type ActionResult } from '@chatty/contracts';

/** Shorter values would mask ordinary text; no real credential is this short. */
const MIN_SECRET_LENGTH = 6;

/**
 * The result with every secret header and parameter value masked, in case the target echoes what it received (many
 * debugging endpoints do): a secret must not come back through the API or reach a model. Both the
 * whole value and its credential part (`Bearer <token>` → `<token>`) are masked.
 */
export function redactSecrets(result: ActionResult, secretValues: string[]): ActionResult {
  // A parameter comes back as the target saw it, often percent-encoded in an echoed URL.
  const needles = [
    ...new Set(
      secretValues.flatMap((value) => [value, value.split(/\s+/).at(-1) ?? '', encodeURIComponent(value)]),
    ),
  ]
    .filter((needle) => needle.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return result;
  const mask = (text: string) =>
    needles.reduce((masked, needle) => masked.replaceAll(needle, ACTION_SECRET_MASK), text);
  return {
    ...result,
    body: mask(result.body),
    headers: Object.fromEntries(Object.entries(result.headers).map(([name, value]) => [name, mask(value)])),
  };
}
