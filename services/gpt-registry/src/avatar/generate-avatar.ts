import { createHash } from 'node:crypto';

/**
 * The seed's generated avatar, made deterministic: the name's initials on a colour derived from a
 * hash of the name, so the same name always gets the same picture and similar names differ.
 */
export function generateAvatar(name: string): string {
  const digest = createHash('sha256').update(name.trim().toLowerCase()).digest();
  const hue = digest.readUInt16BE(0) % 360;
  const saturation = 55 + (digest[2]! % 20);
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">' +
    `<rect width="128" height="128" rx="24" fill="hsl(${hue} ${saturation}% 42%)"/>` +
    '<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#fff" ' +
    `font-family="system-ui, sans-serif" font-size="52" font-weight="600">${escapeXml(initialsOf(name))}</text>` +
    '</svg>';
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** Up to two letters: the first of the first two words ("Code Assistant" → "CA"), or "?" for none. */
function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0]!.toUpperCase());
  return letters.join('') || '?';
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const GENERATED_SVG =
  /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="128" height="128" viewBox="0 0 128 128"><rect width="128" height="128" rx="24" fill="hsl\(\d{1,3} \d{1,3}% 42%\)"\/><text x="50%" y="50%" dy="\.35em" text-anchor="middle" fill="#fff" font-family="system-ui, sans-serif" font-size="52" font-weight="600">(?:[^<>&"']|&#\d{2};){1,4}<\/text><\/svg>$/u;

/** True for an SVG this module made (a client echoing a GPT back); any other SVG could carry script. */
export function isGeneratedAvatar(dataUrl: string): boolean {
  const prefix = 'data:image/svg+xml;base64,';
  if (!dataUrl.startsWith(prefix) || dataUrl.length > 4096) return false;
  return GENERATED_SVG.test(Buffer.from(dataUrl.slice(prefix.length), 'base64').toString('utf8'));
}
