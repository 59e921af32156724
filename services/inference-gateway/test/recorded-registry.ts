import { type HoldableTcpProxy, startHoldableTcpProxy } from '@chatty/testkit';
import { type RegistryHarness, startRegistry } from '../../gpt-registry/test/harness.js';
import { type BareGateway, startBareGateway, type TestWorker, urlOf } from './harness.js';
import { type RecordingProxy, startRecordingProxy } from './recording-proxy.js';

export interface RecordedRegistry {
  registry: RegistryHarness;
  /** Between the gateway and the registry: what the gateway asked, in order. */
  recorder: RecordingProxy;
  chat: BareGateway;
  /** Between the gateway and the database (the registry has its own way there): passes all until held. */
  gatewayDatabase: HoldableTcpProxy;
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
  const databaseUrl = new URL(registry.database.url);
  const gatewayDatabase = await startHoldableTcpProxy({
    host: databaseUrl.hostname,
    port: Number(databaseUrl.port || 5432),
  });
  databaseUrl.host = gatewayDatabase.address;
  const chat = await startBareGateway({ registryUrl: recorder.url, databaseUrl: databaseUrl.href }, workers, {
    REDIS_PREFIX: registry.queuePrefix,
  });
  return {
    registry,
    recorder,
    chat,
    gatewayDatabase,
    async close() {
      await chat.close();
      await gatewayDatabase.close();
      await recorder.close();
      await registry.close();
    },
  };
}
