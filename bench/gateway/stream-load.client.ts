import { Agent, request } from 'undici';

/*
 * A closed-loop load generator for streamed answers, run as a child process so that it does not share
 * an event loop with the servers it measures. Each of CONCURRENCY virtual users sends a request, reads
 * the stream to its end, and sends the next, until the duration is over. It reports, per request, the
 * time to the first body bytes (the first token: every target sends its headers early or with it)
 * and to the end, and counts answers that failed: a non-200, a cut stream, or an error event.
 *
 * The rate is each user's answers over the time it took them (to its last completed answer), summed
 * over the users: what the target sustains. Waiting for the slowest user's last answer, which can
 * start just before the deadline, is not counted: with answers of over a second in a run of a few,
 * that wait alone moved the rate of a whole run by a tenth.
 */
interface Job {
  urls: string[];
  headers: Record<string, string>;
  body: unknown;
  concurrency: number;
  durationMs: number;
  /** The text a complete answer ends with: `"done":true` (Ollama) or `[DONE]` (OpenAI). */
  endMarker: string;
  /** Instead of a timed run: this many requests one after another, each closed after its first token. */
  firstTokens?: number;
  /**
   * With `firstTokens`: each answer is read to its end instead, so every connection on the path is
   * kept for the next request, as a browser's and the services' pools keep them. Meant for short
   * answers (the body asks for one token).
   */
  readWhole?: boolean;
  /**
   * The text the first token arrives in (`event: delta` for a session's SSE), for a stream that may
   * send other events first; unset, the first body bytes are the first token.
   */
  firstTokenMarker?: string;
  /** How much of the stream's end is kept to check `endMarker` and errors in (200 characters). */
  tailChars?: number;
}

interface Sample {
  ttft: number;
  total: number;
}

const job = JSON.parse(process.argv[2]!) as Job;
const agent = new Agent({
  connections: job.concurrency,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  bodyTimeout: 60_000,
});
const samples: Sample[] = [];
const tailChars = job.tailChars ?? 200;
const marker = job.firstTokenMarker;

/** Whether this chunk brings the first token; `carry` holds the previous chunk's end for a split marker. */
function bringsFirstToken(chunk: Buffer, carry: string): boolean {
  if (chunk.length === 0) return false;
  return marker === undefined || (carry + chunk.toString()).includes(marker);
}
const failures: string[] = [];

/** Whether the answer came whole. */
async function once(url: string): Promise<boolean> {
  const started = performance.now();
  let ttft = -1;
  let tail = '';
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...job.headers },
      body: JSON.stringify(job.body),
    });
    for await (const chunk of response.body) {
      if (ttft < 0 && bringsFirstToken(chunk, tail.slice(-(marker?.length ?? 0)))) {
        ttft = performance.now() - started;
      }
      tail = (tail + chunk.toString()).slice(-tailChars);
    }
    const total = performance.now() - started;
    if (response.statusCode !== 200) failures.push(`status ${response.statusCode}`);
    else if (tail.includes('"error"') || !tail.includes(job.endMarker))
      failures.push(`incomplete: ${tail.slice(-80)}`);
    else {
      samples.push({ ttft, total });
      return true;
    }
  } catch (error) {
    failures.push((error as Error).message);
  }
  return false;
}

/** One virtual user until the deadline: its answers per second, to the end of its last whole one. */
async function user(index: number, started: number, deadline: number): Promise<number> {
  const url = job.urls[index % job.urls.length]!;
  let answers = 0;
  let lastAnswered = started;
  while (performance.now() < deadline) {
    if (await once(url)) {
      answers++;
      lastAnswered = performance.now();
    }
  }
  return answers === 0 ? 0 : answers / ((lastAnswered - started) / 1000);
}

/** Time to the first token of one request, which is then closed (the server stops generating). */
async function firstToken(url: string): Promise<void> {
  const started = performance.now();
  const controller = new AbortController();
  try {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...job.headers },
      body: JSON.stringify(job.body),
      signal: controller.signal,
    });
    let carry = '';
    for await (const chunk of response.body) {
      if (!bringsFirstToken(chunk, carry)) {
        carry = (carry + chunk.toString()).slice(-tailChars);
        continue;
      }
      const ttft = performance.now() - started;
      if (response.statusCode !== 200) failures.push(`status ${response.statusCode}`);
      else if (!job.readWhole) samples.push({ ttft, total: ttft });
      else {
        let tail = carry + chunk.toString();
        for await (const rest of response.body) tail = (tail + rest.toString()).slice(-tailChars);
        if (tail.includes('"error"') || !tail.includes(job.endMarker))
          failures.push(`incomplete: ${tail.slice(-80)}`);
        else samples.push({ ttft, total: performance.now() - started });
        return;
      }
      controller.abort();
      break;
    }
    // The stream ended without a token: an error answer or an error event.
    if (!controller.signal.aborted) failures.push(`status ${response.statusCode}: ${carry.slice(-120)}`);
  } catch (error) {
    if (!controller.signal.aborted) failures.push((error as Error).message);
  }
}

if (job.firstTokens) {
  for (let i = 0; i < 5; i++) await firstToken(job.urls[0]!);
  samples.length = 0;
  failures.length = 0;
  const started = performance.now();
  for (let i = 0; i < job.firstTokens; i++) await firstToken(job.urls[i % job.urls.length]!);
  await agent.close();
  process.stdout.write(
    JSON.stringify({
      samples,
      failures: failures.length,
      failureExamples: failures.slice(0, 3),
      answersPerSecond: samples.length / ((performance.now() - started) / 1000),
    }),
  );
  process.exit(0);
}

// Warm-up: one request per virtual user opens the connections, not counted.
await Promise.all(
  Array.from({ length: job.concurrency }, (_, index) => once(job.urls[index % job.urls.length]!)),
);
samples.length = 0;
failures.length = 0;
const started = performance.now();
const rates = await Promise.all(
  Array.from({ length: job.concurrency }, (_, index) => user(index, started, started + job.durationMs)),
);
await agent.close();
process.stdout.write(
  JSON.stringify({
    samples,
    failures: failures.length,
    failureExamples: failures.slice(0, 3),
    answersPerSecond: rates.reduce((sum, rate) => sum + rate, 0),
  }),
);
