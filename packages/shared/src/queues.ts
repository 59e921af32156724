/**
 * BullMQ queue names and job payloads shared by the producer (gpt-registry) and the consumer
 * (file-ingest). Payloads carry ids only: the worker reads everything else from the database, and no
 * secret ever travels through Redis.
 */
export const INGEST_QUEUE = 'ingest';

/** One knowledge file to extract, chunk and index. The job id is the file id, so a file has one job. */
export interface IngestJob {
  fileId: string;
}

/** Retries with backoff for transient failures; a permanently bad file fails at once (UnrecoverableError). */
export const INGEST_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

/**
 * Waits (briefly) for a BullMQ queue or worker to finish connecting before it is closed: BullMQ
 * connects in the background, and a close mid-way leaves its late connection failure unhandled.
 */
export async function settleConnection(client: { waitUntilReady(): Promise<unknown> }, timeoutMs = 2000) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.waitUntilReady().catch(() => {}),
    new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
