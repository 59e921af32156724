/**
 * Removes a key from text that came back from a provider: APIs quote the key they were sent in their
 * 401 answers (OpenAI prints its start and end), and that text reaches logs and error messages. Any
 * word sharing the key's first or last eight characters goes, not only the whole key.
 */
export function redactKey(text: string, key: string | undefined): string {
  if (!key) return text;
  let clean = text.split(key).join('[redacted]');
  if (key.length >= 16) {
    const head = escapeRegExp(key.slice(0, 8));
    const tail = escapeRegExp(key.slice(-8));
    clean = clean.replace(new RegExp(`\\S*(${head}|${tail})\\S*`, 'g'), '[redacted]');
  }
  return clean;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A URL as it may be shown: without user and password. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/+$/, '');
}
