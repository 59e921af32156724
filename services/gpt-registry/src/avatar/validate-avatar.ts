import { MAX_AVATAR_BYTES } from '@chatty/contracts';
import { AppError, badRequest } from '@chatty/shared';
import { fileTypeFromBuffer } from 'file-type';
import { isGeneratedAvatar } from './generate-avatar.js';

const AVATAR_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif']);

/** Checks an uploaded avatar by its bytes, not its name or declared type, and returns its data URL. */
export async function avatarDataUrl(bytes: Buffer): Promise<string> {
  if (bytes.length > MAX_AVATAR_BYTES) {
    throw new AppError(413, 'AVATAR_TOO_LARGE', `An avatar may be at most ${MAX_AVATAR_BYTES} bytes`);
  }
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !AVATAR_TYPES.has(type.mime)) {
    throw new AppError(415, 'UNSUPPORTED_TYPE', 'An avatar must be a PNG, JPEG or GIF image');
  }
  return `data:${type.mime};base64,${bytes.toString('base64')}`;
}

/**
 * An avatar sent inside a GPT body: a raster data URL whose bytes really are PNG/JPEG/GIF, or an SVG
 * this server generated. Any other SVG is refused: stored SVG from a user could carry script.
 */
export async function checkAvatarField(value: string): Promise<string> {
  if (isGeneratedAvatar(value)) return value;
  const match = /^data:image\/[\w.+-]+;base64,([A-Za-z0-9+/]+=*)$/.exec(value);
  if (!match) {
    throw badRequest('INVALID_AVATAR', 'avatar must be a base64 data URL of a PNG, JPEG or GIF image');
  }
  return avatarDataUrl(Buffer.from(match[1]!, 'base64'));
}
