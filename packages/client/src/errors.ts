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
  return new ChattyError(
    response.status,
    `HTTP_${response.status}`,
    text.trim().slice(0, 300) || `${response.status} ${response.statusText}`,
  );
}
