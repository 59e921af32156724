import { type RegistryHarness, startRegistry } from '../../gpt-registry/test/harness.js';
import { type BareGateway, startBareGateway, type TestWorker, urlOf } from './harness.js';
import { type RecordingProxy, startRecordingProxy } from './recording-proxy.js';

export interface RecordedRegistry {
  registry: RegistryHarness;
  /** Between the gateway and the registry: what the gateway asked, in order. */
  recorder: RecordingProxy;
  chat: BareGateway;
  close(): Promise<void>;
}

/**
 * A gateway and the real registry as deployed (one database, one Redis prefix), with the registry
 * behind a recorder: how often the gateway asks it what.
 */
export async function startRecordedRegistry(workers: TestWorker[]): Promise<RecordedRegistry> {
  const registry = await startRegistry();
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  const recorder = await startRecordingProxy(urlOf(registry.app.server));
  const chat = await startBareGateway(
    { registryUrl: recorder.url, databaseUrl: registry.database.url },
    workers,
    { REDIS_PREFIX: registry.queuePrefix },
  );
  return {
    registry,
    recorder,
    chat,
    async close() {
      await chat.close();
      await recorder.close();
      await registry.close();
    },
  };
}
