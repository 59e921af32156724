import fp from 'fastify-plugin';
import { actionRoutes } from './actions/index.js';
import { adminRoutes } from './admin/index.js';
import { authRoutes } from './auth/index.js';
import { sessionRoutes } from './auth/sessions.route.js';
import { catalogueRoutes } from './catalogue/index.js';
import { gptContextRoutes } from './context/index.js';
import { fileRoutes } from './files/index.js';
import { gptRoutes } from './gpts/index.js';
import { portableRoutes } from './gpts/portable.route.js';
import { internalActionRoutes } from './internal/actions.route.js';
import { internalAuthRoutes } from './internal/auth.route.js';
import { internalChatRoutes } from './internal/chat.route.js';
import { internalLookupRoutes } from './internal/lookup.route.js';
import { internalTurnRoutes } from './internal/turn.route.js';
import { keyRoutes } from './keys/index.js';
import { shareRoutes } from './shares/index.js';
import { templateRoutes } from './templates/index.js';
import { usageRoutes } from './usage/index.js';
import { workspaceRoutes } from './workspaces/index.js';

/**
 * Every route of the registry. Registered after the plugins that decorate the app with what the
 * routes use; fastify refuses to start when one of them is missing or comes later.
 */
export const registryRoutes = fp(
  async (app) => {
    await app.register(authRoutes);
    await app.register(sessionRoutes);
    await app.register(adminRoutes);
    await app.register(keyRoutes);
    await app.register(gptRoutes);
    await app.register(fileRoutes);
    await app.register(gptContextRoutes);
    await app.register(usageRoutes);
    await app.register(internalAuthRoutes);
    await app.register(actionRoutes);
    await app.register(portableRoutes);
    await app.register(internalActionRoutes);
    await app.register(internalChatRoutes);
    await app.register(internalTurnRoutes);
    await app.register(workspaceRoutes);
    await app.register(shareRoutes);
    await app.register(catalogueRoutes);
    await app.register(templateRoutes);
    await app.register(internalLookupRoutes);
  },
  {
    name: 'registry-routes',
    dependencies: [
      'registry-config',
      'registry-db',
      'registry-redis',
      'registry-models',
      'registry-storage',
      'registry-queue',
      'registry-clients',
      'registry-auth',
      'registry-rate-limit',
      'registry-actions',
      'chatty-service-token',
    ],
  },
);
