import type { Gpt } from '@chatty/contracts';
import { notFound } from '@chatty/shared';
import { findPublishedFor } from '../../db/catalogue.repository.js';
import { toGpt } from '../../db/gpt.mapper.js';
import { findGptWithAccess } from '../../db/gpt.repository.js';
import type { GptAccess } from '../../db/gpt-access.repository.js';
import type { Db } from '../../db/index.js';
import type { GptRow } from '../../db/schema.js';

/**
 * The GPT as the user may see it: the current draft when it is theirs or shared with them, the
 * published version when they reach it only through a catalogue; 404 otherwise.
 */
export async function visibleGpt(db: Db, userId: string, gptId: string): Promise<Gpt> {
  const found = await findGptWithAccess(db, userId, gptId);
  if (!found) throw notFound('GPT');
  return seenAs(db, userId, found);
}

/** `visibleGpt` once the user's access is known. */
export async function seenAs(
  db: Db,
  userId: string,
  found: { gpt: GptRow; access: GptAccess },
): Promise<Gpt> {
  const gptId = found.gpt.id;
  if (found.access !== 'catalogue') return toGpt(found.gpt, found.access);
  const published = await findPublishedFor(db, userId, gptId);
  if (!published) throw notFound('GPT');
  return { ...published.gpt, version: published.version, access: 'catalogue' };
}
