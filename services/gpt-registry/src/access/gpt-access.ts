import { forbidden, notFound } from '@chatty/shared';
import { findGptWithAccess } from '../db/gpt.repository.js';
import { atLeast, type GptAccess } from '../db/gpt-access.repository.js';
import type { Db } from '../db/index.js';

/**
 * The GPT when the user has at least `needed` access: 404 when they have none (as for a missing one),
 * 403 when they can see it but not do this. What each access allows is said in db/gpt-access.repository.ts.
 */
export async function requireGpt(db: Db, userId: string, gptId: string, needed: GptAccess) {
  const found = await findGptWithAccess(db, userId, gptId);
  if (!found) throw notFound('GPT');
  if (!atLeast(found.access, needed)) {
    throw forbidden(
      'NOT_ALLOWED',
      needed === 'owner'
        ? "Only the GPT's owner may do this"
        : `You may ${found.access === 'edit' ? 'edit' : 'chat with'} this GPT but not do this`,
    );
  }
  return found;
}
