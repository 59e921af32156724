import http from 'node:http';
import https from 'node:https';
import type { CheckedDestination } from '../egress/egress-policy.js';

const MAX_AGENTS = 256;

/**
 * Keep-alive connections, one pool per (scheme, host name, port, checked address). A pooled socket
 * was opened to the very address a previous check approved for that name, and is handed only to a
 * request whose own check pinned the same address, so reuse never skips the egress policy; a name
 * that now resolves elsewhere gets a different pool. Least recently used pools are closed past a bound.
 */
export class AgentPool {
  private readonly agents = new Map<string, http.Agent>();

  agentFor({ url, port, pinned }: CheckedDestination): http.Agent {
    const key = `${url.protocol}//${url.hostname}:${port}@${pinned.address}`;
    let agent = this.agents.get(key);
    if (agent) {
      this.agents.delete(key);
    } else {
      const options = { keepAlive: true, maxSockets: 128, maxFreeSockets: 128, timeout: 30_000 };
      agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    }
    this.agents.set(key, agent);
    if (this.agents.size > MAX_AGENTS) {
      const [oldestKey, oldest] = this.agents.entries().next().value!;
      this.agents.delete(oldestKey);
      oldest.destroy();
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
