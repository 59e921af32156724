import { badRequest } from '@chatty/shared';

/**
 * The version an update is based on, from `If-Match` (`"3"`, `W/"3"` or `3`) or the body's `version`;
 * undefined when neither is given (the update then applies to whatever is current).
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined) {
  let fromHeader: number | undefined;
  if (ifMatch !== undefined && ifMatch.trim() !== '*') {
    const match = /^\s*(?:W\/)?"?([1-9][0-9]{0,9})"?\s*$/.exec(ifMatch);
    if (!match)
      throw badRequest('INVALID_IF_MATCH', 'If-Match must be the GPT version from its ETag, like "3"');
    fromHeader = Number(match[1]);
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw badRequest('INVALID_IF_MATCH', 'If-Match and version name different versions');
  }
  return fromHeader ?? bodyVersion;
}
