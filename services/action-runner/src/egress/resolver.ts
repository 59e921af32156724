export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Every address a name resolves to, in the order the first one should be dialled. Injectable so tests
 * can resolve names to whatever they need; the runner's own is createDnsResolver (dns-resolver.ts).
 */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;
