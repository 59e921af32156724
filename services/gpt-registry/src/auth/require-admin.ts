import { callerOf, forbidden } from '@chatty/shared';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/index.js';
import { findUserById } from '../db/user.repository.js';

/**
 * preHandler (after `authenticate`) for admin routes: the caller's account must be an admin's. Read
 * from the row on every request, so a demoted or disabled admin loses the routes at once.
 */
export function requireAdmin(db: Db) {
  return async (request: FastifyRequest) => {
    const user = await findUserById(db, callerOf(request).userId);
    if (user?.role !== 'admin' || user.disabled_at) {
      throw forbidden('ADMIN_ONLY', 'Only an admin may do this');
    }
  };
}
