/**
 * The media type of a base64 image, read from its first bytes. The gateway keeps images as Ollama
 * takes them (bare base64); hosted APIs want the type named, so it is sniffed back here.
 */
export function imageMediaType(base64: string): string {
  const head = Buffer.from(base64.slice(0, 24), 'base64');
  if (head[0] === 0x89 && head.toString('latin1', 1, 4) === 'PNG') return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8) return 'image/jpeg';
  if (head.toString('latin1', 0, 3) === 'GIF') return 'image/gif';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  return 'image/png';
}
