import { gptChangeNotices, type Logger } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { FullKnowledge } from '../chat/full-knowledge.js';
import { GptRuntimes } from '../chat/gpt-runtimes.js';
import { HeldSessions } from '../chat/held-sessions.js';
import type { TurnDeps } from '../chat/run-turn.js';
import { TurnsInFlight } from '../chat/turns-in-flight.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What a chat turn runs with: the router, retrieval, actions, web search and the tool loop's limits. */
    turnDeps: TurnDeps;
    /** Sessions as this replica last left them, for guessed turns (message.route.ts). */
    heldSessions: HeldSessions;
  }
}

/** The chat turn's dependencies, gathered once from the app's own decorations. */
export const turnPlugin = fp(
  async (app: FastifyInstance, { logger }: { logger: Logger }) => {
    const { gatewayConfig: config } = app;
    // The registry's database announces changes to GPTs; while they are heard, turns hold its answers.
    const notices = gptChangeNotices(config.DATABASE_URL, 'inference-gateway:gpt-changes', logger);
    notices.start();
    app.addHook('onClose', () => notices.close());
    // Which GPTs are gone: the registry's lookup leaves out those deleted or being deleted.
    const goneGpts = async (gptIds: string[]) => {
      const present = new Set((await app.registryApi.lookup({ userIds: [], gptIds })).gpts.map((g) => g.id));
      return new Set(gptIds.filter((gptId) => !present.has(gptId)));
    };
    app.decorate('heldSessions', new HeldSessions());
    app.decorate('turnDeps', {
      router: app.router,
      models: app.models,
      registry: app.registryApi,
      runtimes: new GptRuntimes(app.registryApi, notices),
      inFlight: new TurnsInFlight(goneGpts, logger, notices),
      knowledge: new FullKnowledge(),
      ingest: app.ingestApi,
      log: logger,
      toolMaxSteps: config.TOOL_MAX_STEPS,
      toolLoopTimeoutMs: config.TOOL_LOOP_TIMEOUT_MS,
      ...(app.webSearch && { web: app.webSearch }),
    });
  },
  { name: 'gateway-turn', dependencies: ['gateway-config', 'gateway-models', 'gateway-clients'] },
);
