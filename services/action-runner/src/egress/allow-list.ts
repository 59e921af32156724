/**
 * ACTION_EGRESS_ALLOW: comma-separated `host:port` pairs ("10.0.0.5:8080, [fd00::2]:443,
 * intranet.local:80") that may be reached although private. Each entry is normalised the way a URL's
 * host is, so "127.1:8080" in the setting matches "http://127.0.0.1:8080".
 */
export function parseAllowList(setting: string): Set<string> {
  const entries = new Set<string>();
  for (const raw of setting.split(',').map((part) => part.trim())) {
    if (!raw) continue;
    const url = safeUrl(`http://${raw}`);
    if (!url || !/:\d+$/.test(raw) || url.pathname !== '/' || url.username || url.password) {
      throw new Error(`ACTION_EGRESS_ALLOW: "${raw}" is not host:port`);
    }
    entries.add(destinationKey(url.hostname, Number(url.port || 80)));
  }
  return entries;
}

export function destinationKey(hostname: string, port: number): string {
  return `${hostname.toLowerCase()}:${port}`;
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
