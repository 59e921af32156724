import { request } from 'undici';

export interface PullProgress {
  status: string;
  /** Bytes of the layer being downloaded, when Ollama reports them. */
  completed?: number;
  total?: number;
}

/** A download can go quiet for a while between layers; this long without a byte means it hung. */
const IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * Has one Ollama worker pull one model (`POST /api/pull`), reading the NDJSON progress it streams.
 * Resolves when Ollama says `success`; rejects with Ollama's own error otherwise. Ollama resumes a
 * partial download, so calling this again after a failure is safe.
 */
export async function pullModel(
  workerUrl: string,
  tag: string,
  onProgress: (progress: PullProgress) => void,
): Promise<void> {
  const response = await request(new URL('/api/pull', workerUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: tag, stream: true }),
    headersTimeout: IDLE_TIMEOUT_MS,
    bodyTimeout: IDLE_TIMEOUT_MS,
  });
  if (response.statusCode >= 400) {
    const text = await response.body.text();
    throw new Error(`${workerUrl} answered ${response.statusCode}: ${errorOf(text)}`);
  }
  let pending = '';
  let succeeded = false;
  for await (const chunk of response.body) {
    pending += (chunk as Buffer).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as PullProgress & { error?: string };
      if (event.error) throw new Error(`${workerUrl}: ${event.error}`);
      onProgress(event);
      if (event.status === 'success') succeeded = true;
    }
  }
  if (!succeeded) throw new Error(`${workerUrl}: the pull of ${tag} ended before Ollama reported success`);
}

function errorOf(text: string): string {
  try {
    return (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    return text.slice(0, 200);
  }
}
