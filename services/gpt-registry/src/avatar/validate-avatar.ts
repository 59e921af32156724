import { MAX_AVATAR_BYTES } from '@chatty/contracts';
import { AppError, badRequest } from '@chatty/shared';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
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
  checkDimensions(bytes);
  return `data:${type.mime};base64,${bytes.toString('base64')}`;
}

/** The widest and tallest avatar: a phone photo fits; a browser never decodes more than 64 MiB of it. */
export const MAX_AVATAR_SIDE = 4096;

/**
 * Everyone who sees the GPT (a share, a catalogue) decodes its avatar at the size its header declares:
 * a 1 MB file may declare 100000 × 100000 pixels and cost each of them gigabytes. The header is read,
 * not the pixels.
 */
function checkDimensions(bytes: Buffer): void {
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch {
    throw badRequest('INVALID_AVATAR', 'The avatar image is damaged: its size cannot be read');
  }
  const { width = 0, height = 0 } = size;
  if (width < 1 || height < 1) {
    throw badRequest('INVALID_AVATAR', 'The avatar image is damaged: it declares no size');
  }
  if (width > MAX_AVATAR_SIDE || height > MAX_AVATAR_SIDE) {
    throw badRequest(
      'AVATAR_TOO_MANY_PIXELS',
      `The avatar is ${width} × ${height} pixels; at most ${MAX_AVATAR_SIDE} × ${MAX_AVATAR_SIDE} is taken. Scale it down first`,
    );
  }
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
