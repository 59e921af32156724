/** An answer other than 2xx: the server's `{error: {code, message}}`, or what stood in for it. */
export class ChattyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChattyError';
  }
}

/** The error a failed response carries; a body that is not the project's error shape still gives its status. */
export async function errorOf(response: Response): Promise<ChattyError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string' && typeof body.error.message === 'string') {
      return new ChattyError(response.status, body.error.code, body.error.message);
    }
  } catch {
    // Not JSON: a proxy's page, say.
  }
  // A web page (another server, or a proxy in front) says nothing useful in its markup.
  if (/text\/html/i.test(response.headers.get('content-type') ?? '') || /^\s*</.test(text)) {
    const where = response.url ? `${new URL(response.url).origin} ` : '';
    return new ChattyError(
      response.status,
      `HTTP_${response.status}`,
      `${where}answered ${`${response.status} ${response.statusText}`.trim()} with a web page, not as a Chatty server`,
    );
  }
  return new ChattyError(
    response.status,
    `HTTP_${response.status}`,
    text.trim().slice(0, 300) || `${response.status} ${response.statusText}`,
  );
}

/** The server did not answer in time: no status and headers within the client's `timeoutMs`. */
export class ChattyTimeoutError extends Error {
  constructor(
    readonly baseUrl: string,
    /** `GET /api/gpts`: the request that waited. */
    readonly request: string,
    readonly timeoutMs: number,
  ) {
    super(`${baseUrl} did not answer ${request} within ${formatSeconds(timeoutMs)}`);
    this.name = 'ChattyTimeoutError';
  }
}

/**
 * A 2xx answer that is not what Chatty answers (not JSON, or JSON of another shape): the URL names
 * another server, or a proxy answered in its place.
 */
export class UnexpectedAnswerError extends Error {
  constructor(
    readonly baseUrl: string,
    /** `GET /api/gpts`: the request it answered. */
    readonly request: string,
    /** What came instead: `unexpected JSON`, `text/html, not JSON`… */
    readonly answer: string,
  ) {
    super(`${baseUrl} did not answer as a Chatty server (${request} returned ${answer})`);
    this.name = 'UnexpectedAnswerError';
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
