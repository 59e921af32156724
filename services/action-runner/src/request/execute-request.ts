import type { ActionRequestSpec, ActionResult } from '@chatty/contracts';
import { AppError } from '@chatty/shared';
import { type CheckedDestination, checkDestination, type EgressPolicy } from '../egress/egress-policy.js';
import { actionTimeout, actionUnreachable, tooManyRedirects } from '../errors.js';
import { type RenderedRequest, renderRequest } from './render-request.js';
import { type HopRequest, type HopResponse, sendOnce } from './send-once.js';
import type { TargetPools } from './target-pools.js';

const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface ExecuteLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface ExecuteContext {
  policy: EgressPolicy;
  limits: ExecuteLimits;
  pools: TargetPools;
}

/**
 * Renders the spec and performs it under the egress policy. Redirects are followed here, not by the
 * HTTP client, so every hop is checked like the first; a hop to another origin loses the action's
 * headers, which may hold its secrets.
 */
export async function executeRequest(
  spec: ActionRequestSpec,
  { policy, limits: defaults, pools }: ExecuteContext,
): Promise<ActionResult & { finalUrl: URL }> {
  const started = performance.now();
  const timeoutMs = Math.min(spec.timeoutMs ?? defaults.timeoutMs, defaults.timeoutMs);
  const maxBytes = Math.min(spec.maxResponseBytes ?? defaults.maxResponseBytes, defaults.maxResponseBytes);
  const signal = AbortSignal.timeout(timeoutMs);
  const rendered = renderRequest(spec);

  let url = rendered.url;
  let hop: HopRequest = { method: rendered.method, headers: rendered.headers, body: rendered.body };
  for (let redirects = 0; ; redirects++) {
    const destination = await withDeadline(checkDestination(url, policy), signal, timeoutMs);
    const response = await send(destination, hop, { signal, timeoutMs, maxBytes, pools });
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || !location) {
      return {
        status: response.status,
        headers: responseHeaders(response),
        body: response.body.toString('utf8'),
        truncated: response.truncated,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        finalUrl: url,
      };
    }
    if (redirects >= MAX_REDIRECTS) throw tooManyRedirects(MAX_REDIRECTS);
    const next = safeUrl(location, url);
    hop = nextHop(hop, response.status, url, next, rendered);
    url = next;
  }
}

function nextHop(
  previous: HopRequest,
  status: number,
  from: URL,
  to: URL,
  rendered: RenderedRequest,
): HopRequest {
  // 303, and 301/302 after a POST, turn into a GET without a body, as browsers do.
  const toGet = status === 303 || ((status === 301 || status === 302) && previous.method === 'POST');
  const method = toGet ? 'GET' : previous.method;
  const sameOrigin = from.origin === to.origin;
  const headers: Record<string, string> = { 'user-agent': rendered.headers['user-agent']! };
  if (sameOrigin) Object.assign(headers, previous.headers);
  else if (!toGet && previous.headers['content-type'])
    headers['content-type'] = previous.headers['content-type'];
  if (toGet) delete headers['content-type'];
  return { method, headers, body: toGet ? null : previous.body };
}

async function send(
  destination: CheckedDestination,
  hop: HopRequest,
  {
    signal,
    timeoutMs,
    maxBytes,
    pools,
  }: { signal: AbortSignal; timeoutMs: number; maxBytes: number; pools: TargetPools },
): Promise<HopResponse> {
  try {
    return await sendOnce(destination, hop, { signal, maxBytes, pool: pools.poolFor(destination) });
  } catch (error) {
    if (signal.aborted) throw actionTimeout(timeoutMs);
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw actionUnreachable(`Could not reach ${destination.url.host} (${code})`);
  }
}

/** Resolution has a deadline of its own (ACTION_DNS_TIMEOUT_MS); a shorter call deadline still wins. */
async function withDeadline<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) throw actionTimeout(timeoutMs);
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(actionTimeout(timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function safeUrl(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new AppError(502, 'ACTION_BAD_REDIRECT', 'The target redirected to an invalid URL');
  }
}

/** The target's headers, minus cookies: actions keep no cookie jar and pass none on. */
function responseHeaders(response: HopResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (name === 'set-cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
