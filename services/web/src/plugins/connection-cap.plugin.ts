import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ConnectionCapOptions, capConnections } from '../connection-cap.js';

/** The cap on connections per client address and in all (connection-cap.ts says how). */
export const connectionCapPlugin = fp(
  async (app: FastifyInstance, options: ConnectionCapOptions) => capConnections(app, options),
  { name: 'web-connection-cap' },
);
