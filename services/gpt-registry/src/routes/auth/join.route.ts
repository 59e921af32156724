import { AUTH_ROUTES } from '@chatty/contracts';
import { type AppError, conflict, notFound } from '@chatty/shared';
import {
  acceptAccountInvitation,
  findAccountInvitation,
  type InvitationRefusal,
} from '../../db/account-invitation.repository.js';
import { toUser } from '../../db/user.mapper.js';
import { EmailTakenError } from '../../db/user.repository.js';
import { nameOf } from '../../text/single-line.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { hashPassword } from './password.js';

/** Why a link cannot be used, said to whoever holds it (they hold the token, so nothing leaks). */
function refusal(state: InvitationRefusal): AppError {
  switch (state) {
    case 'unknown':
      return notFound('Invitation');
    case 'used':
      return conflict('INVITATION_USED', 'This invitation was already used; sign in instead');
    case 'revoked':
      return conflict('INVITATION_REVOKED', 'This invitation was revoked; ask an admin for a new one');
    case 'expired':
      return conflict('INVITATION_EXPIRED', 'This invitation has expired; ask an admin for a new one');
  }
}

/**
 * Where an invited person lands, signed out: what the link offers, then making the account with a
 * password of their own. Works with ALLOW_SIGNUP=false (the invitation is the permission); counted by
 * the same per-address limit as sign-up and sign-in.
 */
export const joinRoutes: RegistryRoutes = async (app) => {
  const limited = app.authRateLimit;
  app.post(
    '/api/auth/invitations/check',
    {
      preHandler: limited,
      schema: {
        tags: ['auth'],
        summary: 'What an account invitation offers: the invited email, name, role and expiry',
        security: [],
        ...AUTH_ROUTES.checkInvitation.schema,
      },
    },
    async (request) => {
      const found = await findAccountInvitation(app.db, request.body.token);
      if (!found) throw refusal('unknown');
      if (found.state !== 'usable') throw refusal(found.state);
      return {
        email: found.row.email,
        name: found.row.name,
        role: found.row.role,
        expiresAt: found.row.expires_at.toISOString(),
      };
    },
  );

  app.post(
    '/api/auth/invitations/accept',
    {
      preHandler: limited,
      schema: {
        tags: ['auth'],
        summary:
          'Make the invited account with a password of your own, and sign in; a link works once, until it expires or is revoked',
        security: [],
        ...AUTH_ROUTES.join.schema,
      },
    },
    async (request, reply) => {
      const name = request.body.name === undefined ? null : nameOf(request.body.name);
      const passwordHash = await hashPassword(request.body.password);
      let result: Awaited<ReturnType<typeof acceptAccountInvitation>>;
      try {
        result = await acceptAccountInvitation(app.db, request.body.token, {
          name,
          passwordHash,
        });
      } catch (error) {
        if (error instanceof EmailTakenError) {
          throw conflict('EMAIL_TAKEN', 'An account with this email exists; sign in instead');
        }
        throw error;
      }
      if ('refused' in result) throw refusal(result.refused);
      const { user } = result;
      request.log.info({ userId: user.id, role: user.role }, 'invited user joined');
      const token = await app.sessionRecord.start(user.id, request.headers['user-agent']);
      return reply.code(201).send({ user: toUser(user), token });
    },
  );
};
