import type { Resolver as DnsResolver } from 'node:dns/promises';
import type { ResolvedAddress } from './resolver.js';

/** What DNS said about a name within the deadline. */
export type DnsOutcome =
  /** `complete`: both families answered, so the result may be cached for `ttlSeconds`. */
  | { addresses: ResolvedAddress[]; ttlSeconds: number; complete: boolean }
  /** The name does not exist (ENOTFOUND) or has no address records (ENODATA): worth remembering. */
  | { absent: string }
  /** No answer to rely on (ETIMEOUT, ESERVFAIL, ECONNREFUSED...): not cached. */
  | { failed: string };

type FamilyResult = { addresses: ResolvedAddress[]; ttl: number } | { code: string };

const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * Asks for A and AAAA at once and waits at most `deadlineMs` for both. c-ares keeps the queries on the
 * event loop, so a silent server holds no thread; past the deadline the queries are left to c-ares,
 * whose own timeout (set to about the same) ends them. When only one family answered in time, its
 * addresses are used but not cached: some servers drop AAAA questions, and getaddrinfo likewise
 * settles for what it got. IPv4 comes first because it is the family the container networks route.
 */
export async function queryAddresses(
  dns: DnsResolver,
  name: string,
  deadlineMs: number,
): Promise<DnsOutcome> {
  const results: Array<FamilyResult | undefined> = [undefined, undefined];
  const asks = [
    ask(dns.resolve4(name, { ttl: true }), 4).then((result) => {
      results[0] = result;
    }),
    ask(dns.resolve6(name, { ttl: true }), 6).then((result) => {
      results[1] = result;
    }),
  ];
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(asks),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    }),
  ]);
  clearTimeout(timer);
  return outcomeOf(results);
}

function outcomeOf(results: Array<FamilyResult | undefined>): DnsOutcome {
  const answered = results.filter((result) => result !== undefined);
  const found = answered.filter((result) => 'addresses' in result);
  if (found.length > 0) {
    const complete =
      answered.length === results.length &&
      answered.every((result) => 'addresses' in result || ABSENT.has(result.code));
    return {
      addresses: found.flatMap((result) => result.addresses),
      ttlSeconds: Math.min(...found.map((result) => result.ttl)),
      complete,
    };
  }
  if (answered.length < results.length) return { failed: 'ETIMEOUT' };
  const codes = answered.map((result) => ('code' in result ? result.code : 'ENODATA'));
  const failure = codes.find((code) => !ABSENT.has(code));
  if (failure) return { failed: failure };
  return { absent: codes.includes('ENOTFOUND') ? 'ENOTFOUND' : 'ENODATA' };
}

async function ask(
  query: Promise<Array<{ address: string; ttl: number }>>,
  family: 4 | 6,
): Promise<FamilyResult> {
  try {
    const records = await query;
    if (records.length === 0) return { code: 'ENODATA' };
    return {
      addresses: records.map((record) => ({ address: record.address, family })),
      ttl: Math.min(...records.map((record) => record.ttl)),
    };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code ?? 'EDNS' };
  }
}
