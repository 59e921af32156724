import { badRequest } from '@chatty/shared';

/**
 * One member of an If-Match list (RFC 9110 §13.1.1, §8.8.3): a weak or strong entity tag, or a bare
 * version (`3`, taken as `"3"`: accepted before lists were, so kept). A tag may hold commas, so the
 * list is read member by member, not split.
 */
const MEMBER = /\s*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"|([0-9]+))\s*(?:,|$)/y;
const EMPTY_MEMBER = /\s*,/y;
const VERSION = /^[1-9][0-9]{0,9}$/;

const invalid = (message: string) => badRequest('INVALID_IF_MATCH', message);

/**
 * The versions an update may be based on, from `If-Match` and the body's `version`; undefined when
 * neither is given, or If-Match is `*` (the update then applies to whatever is current).
 *
 * If-Match is `*` or a list of the GPT's ETags (`"3"`, or `"3", "4"`): the update goes ahead when the
 * current version is any of them. The comparison is strong, as RFC 9110 has it for If-Match: a weak
 * tag (`W/"3"`) never matches, so it is passed over in a list, and a list of weak tags alone, which
 * could never succeed, is refused (400) rather than answered as a conflict the client would retry.
 */
export function expectedVersions(
  ifMatch: string | undefined,
  bodyVersion: number | undefined,
): number[] | undefined {
  const fromHeader = ifMatch === undefined || ifMatch.trim() === '*' ? undefined : listed(ifMatch);
  if (fromHeader === undefined) return bodyVersion === undefined ? undefined : [bodyVersion];
  if (bodyVersion === undefined) return fromHeader;
  if (!fromHeader.includes(bodyVersion))
    throw invalid(`If-Match does not name the body's version ${bodyVersion}`);
  return [bodyVersion];
}

/** The strong versions an If-Match list names; 400 INVALID_IF_MATCH for anything else. */
function listed(ifMatch: string): number[] {
  const versions = new Set<number>();
  let weak = 0;
  let at = 0;
  while (at < ifMatch.length) {
    // Lists may hold empty members (RFC 9110 §5.6.1: recipients accept `"3", , "4"`).
    EMPTY_MEMBER.lastIndex = at;
    if (EMPTY_MEMBER.test(ifMatch)) {
      at = EMPTY_MEMBER.lastIndex;
      continue;
    }
    MEMBER.lastIndex = at;
    const member = MEMBER.exec(ifMatch);
    if (!member) break;
    at = MEMBER.lastIndex;
    const [, isWeak, tag, bare] = member;
    const version = tag ?? bare!;
    if (!VERSION.test(version))
      throw invalid(`If-Match names "${version}", which is no version of a GPT (its ETag is like "3")`);
    if (isWeak) weak += 1;
    else versions.add(Number(version));
  }
  if (at < ifMatch.trimEnd().length || versions.size + weak === 0)
    throw invalid('If-Match must be * or GPT versions from its ETag, like "3" or "3", "4"');
  if (versions.size === 0)
    throw invalid(
      'If-Match compares entity tags strongly (RFC 9110): a weak tag like W/"3" never matches; send "3"',
    );
  return [...versions];
}
