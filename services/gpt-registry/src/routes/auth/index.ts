import { AUTH_ROUTES } from '@chatty/contracts';
import { AppError, callerOf, conflict, forbidden, unauthorized } from '@chatty/shared';
import { toUser } from '../../db/user.mapper.js';
import {
  createUser,
  EmailTakenError,
  findUserByEmail,
  findUserById,
  SignupClosedError,
} from '../../db/user.repository.js';
import { nameOf } from '../../text/single-line.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { joinRoutes } from './join.route.js';
import { hashPassword, verifyPassword } from './password.js';

export const authRoutes: RegistryRoutes = async (app) => {
  const limited = app.authRateLimit;
  const backoff = app.loginBackoff;
  await app.register(joinRoutes);

  app.post(
    '/api/auth/signup',
    {
      preHandler: limited,
      schema: {
        tags: ['auth'],
        summary: 'Create an account; the first one becomes admin',
        security: [],
        ...AUTH_ROUTES.signup.schema,
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const name = request.body.name === undefined ? null : nameOf(request.body.name);
      try {
        const user = await createUser(
          app.db,
          { email, name, passwordHash: await hashPassword(password) },
          { allowSignup: app.registryConfig.ALLOW_SIGNUP },
        );
        request.log.info({ userId: user.id, role: user.role }, 'user signed up');
        const token = await app.sessionRecord.start(user.id, request.headers['user-agent']);
        return reply.code(201).send({ user: toUser(user), token });
      } catch (error) {
        if (error instanceof EmailTakenError)
          throw conflict('EMAIL_TAKEN', 'An account with this email exists');
        if (error instanceof SignupClosedError) {
          throw forbidden('SIGNUP_DISABLED', 'Sign-up is closed on this server; ask an admin for an account');
        }
        throw error;
      }
    },
  );

  app.post(
    '/api/auth/login',
    {
      preHandler: limited,
      schema: {
        tags: ['auth'],
        summary: 'Exchange email and password for a session token',
        security: [],
        ...AUTH_ROUTES.login.schema,
      },
    },
    async (request) => {
      const { email, password } = request.body;
      await backoff.check(request.ip, email);
      const user = await findUserByEmail(app.db, email.trim());
      // Verify against a real hash even for unknown emails, so timing does not reveal who has an account.
      const valid = await verifyPassword(user?.password_hash, password);
      if (!user || !valid) {
        await backoff.failed(request.ip, email);
        throw unauthorized('Wrong email or password');
      }
      await backoff.succeeded(request.ip, email);
      if (user.disabled_at) throw forbidden('ACCOUNT_DISABLED', 'This account is disabled; ask an admin');
      const token = await app.sessionRecord.start(user.id, request.headers['user-agent']);
      request.log.info({ userId: user.id }, 'user signed in');
      return { user: toUser(user), token };
    },
  );

  app.get(
    '/api/auth/me',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['auth'],
        summary: 'The caller',
        ...AUTH_ROUTES.me.schema,
      },
    },
    async (request) => {
      const user = await findUserById(app.db, callerOf(request).userId);
      if (!user) throw new AppError(401, 'UNAUTHORIZED', 'The account no longer exists');
      return toUser(user);
    },
  );
};
