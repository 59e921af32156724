import { Gauge, type Metric } from 'prom-client';
import type { HeldSessions } from './chat/held-sessions.js';
import type { WorkerPool } from './pool/worker-pool.js';
import type { ModelWorker } from './providers/chat-client.js';

/** What the metrics read, once the plugins have built it. */
export interface GatewayState {
  pool: WorkerPool;
  heldSessions: HeldSessions;
}

/**
 * The gateway's own metrics, read from `state()` at each scrape (nothing before the app is built):
 * each model worker's health, generations running and cap, and the generations waiting for a slot,
 * which is what an operator adds Ollama workers on; and the sessions held for guessed turns (memory).
 * Every figure is this replica's: sum over gateway replicas for a worker's load.
 */
export function gatewayMetrics(state: () => GatewayState | undefined): Metric[] {
  return [
    gauge(
      'chatty_worker_up',
      'Whether a model worker passed its last health check (1) or not (0)',
      (set, { pool }) => {
        for (const worker of pool.workers) set(worker.healthy ? 1 : 0, labelsOf(worker));
      },
    ),
    gauge(
      'chatty_worker_generations',
      'Generations this replica is running on a model worker',
      (set, { pool }) => {
        for (const worker of pool.workers) set(worker.inFlight, labelsOf(worker));
      },
    ),
    gauge(
      'chatty_worker_slots',
      'Generations this replica runs at once on a model worker (its cap)',
      (set, { pool }) => {
        for (const worker of pool.workers) set(worker.concurrency, labelsOf(worker));
      },
    ),
    gauge(
      'chatty_generations_queued',
      'Generations waiting in this replica for a worker slot',
      (set, { pool }) => set(pool.queued),
    ),
    gauge('chatty_held_sessions', 'Sessions held for guessed turns', (set, { heldSessions }) =>
      set(heldSessions.size),
    ),
    gauge(
      'chatty_held_session_chars',
      'Characters of history held for guessed turns',
      (set, { heldSessions }) => set(heldSessions.chars),
    ),
  ];

  function gauge(
    name: string,
    help: string,
    fill: (set: (value: number, labels?: Record<string, string>) => void, state: GatewayState) => void,
  ): Gauge {
    return new Gauge({
      name,
      help,
      labelNames: name.startsWith('chatty_worker_') ? ['worker', 'provider'] : [],
      registers: [],
      collect() {
        this.reset();
        const current = state();
        if (current) fill((value, labels = {}) => this.set(labels, value), current);
      },
    });
  }
}

/** A worker by its address (never with credentials: ModelWorker.url) and its provider. */
function labelsOf(worker: ModelWorker): Record<string, string> {
  return { worker: worker.url, provider: worker.provider };
}
