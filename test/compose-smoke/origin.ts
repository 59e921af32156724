/** The public origin of the stack under test: every request of the smoke run goes through it. */
export const BASE = `http://127.0.0.1:${process.env.PORT ?? '5000'}`;

export interface Caller {
  auth: Record<string, string>;
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  send<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  upload(gptId: string, name: string, type: string, bytes: Uint8Array): Promise<{ id: string }>;
  /** Sends a chat message and reads the SSE answer: the deltas in order and the final message. */
  chat(sessionId: string, content: string): Promise<{ deltas: string[]; message: { content: string } }>;
}

async function ok(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.url}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export function callerWith(token: string): Caller {
  const auth = { authorization: `Bearer ${token}` };
  return {
    auth,
    get: async (path) => (await ok(await fetch(BASE + path, { headers: auth }))) as never,
    send: async (method, path, body) =>
      (await ok(
        await fetch(BASE + path, {
          method,
          headers: { ...auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      )) as never,
    async upload(gptId, name, type, bytes) {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type }), name);
      return (await ok(
        await fetch(`${BASE}/api/gpts/${gptId}/files`, { method: 'POST', headers: auth, body: form }),
      )) as { id: string };
    },
    async chat(sessionId, content) {
      const response = await fetch(`${BASE}/api/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ content }),
      });
      if (!response.ok || !response.body) throw new Error(`${response.status}: ${await response.text()}`);
      if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
        throw new Error(`not an event stream: ${response.headers.get('content-type')}`);
      }
      const deltas: string[] = [];
      let message: { content: string } | undefined;
      let pending = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        const events = pending.split('\n\n');
        pending = events.pop() ?? '';
        for (const event of events) {
          const name = /^event: (.*)$/m.exec(event)?.[1];
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (!name || !data) continue;
          const payload = JSON.parse(data);
          if (name === 'delta') deltas.push(payload.content);
          if (name === 'done') message = payload.message;
          if (name === 'error') throw new Error(`chat error: ${data}`);
        }
      }
      if (!message) throw new Error('the stream ended without a done event');
      return { deltas, message };
    },
  };
}

export async function signUp(email: string): Promise<Caller> {
  const response = await fetch(`${BASE}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a long passphrase', name: 'Smoke' }),
  });
  const { token } = (await ok(response)) as { token: string };
  return callerWith(token);
}
