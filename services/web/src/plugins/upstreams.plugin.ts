import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerUpstream, type Upstream } from '../proxy.js';
import { createUpstreamPools } from '../upstream-pools.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The services behind the origin, each with its prefix, connections and timeouts. */
    upstreams: Upstream[];
  }
}

/** The reverse proxy: each upstream's prefix forwarded over the service's connection pools. */
export const upstreamsPlugin = fp(
  async (app: FastifyInstance, { upstreams }: { upstreams: Upstream[] }) => {
    app.decorate('upstreams', upstreams);
    const pools = createUpstreamPools();
    app.addHook('onClose', () => pools.close());
    for (const upstream of upstreams) {
      await registerUpstream(app, upstream, pools.dispatcherFor(upstream));
    }
  },
  { name: 'web-upstreams' },
);
