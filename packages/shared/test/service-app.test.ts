import { connect } from 'node:net';
import {
  AppError,
  createLogger,
  createServiceApp,
  createSessionTokens,
  deriveKey,
  sessionSigningKeys,
} from '@chatty/shared';
import { captureLogs } from '@chatty/testkit';
import { decodeProtectedHeader, SignJWT } from 'jose';
import Type from 'typebox';
import { describe, expect, it, vi } from 'vitest';

async function exampleApp(ready = true) {
  const logs = captureLogs('example', 'info');
  const app = await createServiceApp({
    service: 'example',
    logger: logs.logger,
    readiness: { dependency: async () => (ready ? 'ok' : Promise.reject(new Error('down'))) },
  });
  app.post(
    '/things',
    { schema: { body: Type.Object({ name: Type.String({ maxLength: 5 }) }) } },
    async () => ({}),
  );
  app.get('/teapot', async () => {
    throw new AppError(418, 'TEAPOT', 'I am a teapot', { 'retry-after': '7' });
  });
  app.get('/boom', async () => {
    throw new Error('database password is hunter2');
  });
  app.get('/unreachable', async () => {
    throw new AppError(502, 'TARGET_UNREACHABLE', 'The target did not answer');
  });
  return { app, logs };
}

/** What a server on a real port answers to raw bytes, read to the end. */
async function rawAnswer(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the service frame', () => {
  it('names the allowed values when a field must be one of a few', async () => {
    const { app } = await exampleApp();
    app.post(
      '/orders',
      {
        schema: {
          body: Type.Object({
            method: Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT')]),
            items: Type.Array(Type.Object({ size: Type.Union([Type.Literal('S'), Type.Literal('M')]) })),
          }),
        },
      },
      async () => ({}),
    );
    const method = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { method: 'post', items: [] },
    });
    expect(method.statusCode).toBe(400);
    expect(method.json().error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'body/method must be one of: "GET", "POST", "PUT"',
    });
    const nested = await app.inject({
      method: 'POST',
      url: '/orders',
      payload: { method: 'GET', items: [{ size: 'XL' }] },
    });
    expect(nested.json().error.message).toBe('body/items/0/size must be one of: "S", "M"');
    // Other errors keep Fastify's wording.
    const missing = await app.inject({ method: 'POST', url: '/orders', payload: { items: [] } });
    expect(missing.json().error.message).toBe("body must have required property 'method'");
  });

  it('answers a request Node refuses before routing (headers too large, not HTTP) in the one error shape', async () => {
    const { app } = await exampleApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      const huge = await rawAnswer(
        port,
        `GET /things HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(huge).toMatch(/^HTTP\/1.1 431 /);
      expect(JSON.parse(huge.split('\r\n\r\n')[1]!)).toEqual({
        error: {
          code: 'HEADERS_TOO_LARGE',
          message: 'The request headers are too large',
          type: 'invalid_request_error',
          param: null,
        },
      });
      const garbage = await rawAnswer(port, 'HELLO THERE\r\n\r\n');
      expect(garbage).toMatch(/^HTTP\/1.1 400 /);
      expect(JSON.parse(garbage.split('\r\n\r\n')[1]!).error.code).toBe('BAD_REQUEST');
    } finally {
      await app.close();
    }
  });

  it('refuses the NUL character anywhere in a JSON body, a query or a path with a 400, before the route', async () => {
    const { app } = await exampleApp();
    let reached = 0;
    app.post('/notes/:id', async () => {
      reached++;
      return {};
    });
    const json = { 'content-type': 'application/json' };
    const refused = [
      await app.inject({ method: 'POST', url: '/notes/1', headers: json, payload: '{"text":"a\\u0000b"}' }),
      await app.inject({
        method: 'POST',
        url: '/notes/1',
        headers: json,
        payload: '{"deep":[{"list":["ok","\\u0000"]}]}',
      }),
      await app.inject({ method: 'POST', url: '/notes/1', headers: json, payload: '{"a\\u0000":1}' }),
      await app.inject({ method: 'POST', url: '/notes/1?q=%00', headers: json, payload: '{}' }),
      await app.inject({ method: 'POST', url: '/notes/%00', headers: json, payload: '{}' }),
    ];
    for (const response of refused) {
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('NUL_CHARACTER');
    }
    expect(reached).toBe(0);
    // An escaped backslash before "u0000" is a backslash, not NUL.
    const fine = await app.inject({
      method: 'POST',
      url: '/notes/1',
      headers: json,
      payload: '{"text":"C:\\\\u0000 is a path"}',
    });
    expect(fine.statusCode).toBe(200);
    expect(reached).toBe(1);
  });

  it('takes Content-Type: application/json with no body as bodiless where the route reads none; one that reads a body still needs it', async () => {
    const { app } = await exampleApp();
    app.delete('/notes/:id', async (request) => ({ body: request.body ?? null }));
    app.post('/notes/:id/pin', async (request) => ({ body: request.body ?? null }));
    app.delete('/notes/:id/tags', async (request) => ({ body: request.body }));
    const json = { 'content-type': 'application/json' };
    for (const method of ['DELETE', 'POST'] as const) {
      const url = method === 'DELETE' ? '/notes/1' : '/notes/1/pin';
      const bare = await app.inject({ method, url, headers: json });
      expect(bare.statusCode, bare.body).toBe(200);
      expect(bare.json()).toEqual({ body: null });
    }
    // /things reads a body (its schema says so): the header promised one.
    const empty = await app.inject({ method: 'POST', url: '/things', headers: json });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('BAD_JSON');
    // A DELETE that does carry JSON is parsed, prototype-poisoning checks included.
    const tagged = await app.inject({
      method: 'DELETE',
      url: '/notes/1/tags',
      headers: json,
      payload: '{"tag":"a"}',
    });
    expect(tagged.json()).toEqual({ body: { tag: 'a' } });
    const poisoned = await app.inject({
      method: 'DELETE',
      url: '/notes/1/tags',
      headers: json,
      payload: '{"__proto__":{"admin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().error).toEqual({
      code: 'BAD_JSON',
      message: expect.stringContaining('__proto__'),
    });
  });

  it('answers JSON sent as text/plain with 415 naming the type to send', async () => {
    const { app } = await exampleApp();
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'text/plain' },
      payload: '{"name":"a"}',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringContaining('application/json'),
    });
  });

  it('answers every error in one shape', async () => {
    const { app } = await exampleApp();
    const cases = [
      [
        await app.inject({ method: 'POST', url: '/things', payload: { name: 'too long' } }),
        400,
        'VALIDATION_ERROR',
      ],
      [
        await app.inject({
          method: 'POST',
          url: '/things',
          headers: { 'content-type': 'application/json' },
          payload: '{',
        }),
        400,
        'BAD_JSON',
      ],
      [
        await app.inject({
          method: 'POST',
          url: '/things',
          headers: { 'content-type': 'text/csv' },
          payload: 'a,b',
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [await app.inject({ method: 'GET', url: '/nowhere' }), 404, 'ROUTE_NOT_FOUND'],
      // Fastify answers a path that is not valid percent-encoding before any hook, in its own shape.
      [await app.inject({ method: 'GET', url: '/things/%ZZ' }), 400, 'BAD_URL'],
      [await app.inject({ method: 'GET', url: '/teapot' }), 418, 'TEAPOT'],
      [await app.inject({ method: 'GET', url: '/boom' }), 500, 'INTERNAL_ERROR'],
    ] as const;
    for (const [response, status, code] of cases) {
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({ error: { code, message: expect.any(String) } });
    }
  });

  it('keeps internal details out of a 500 answer but logs them', async () => {
    const { app, logs } = await exampleApp();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.body).not.toContain('hunter2');
    expect(logs.text()).toContain('hunter2');
  });

  it('logs a 5xx it chose (an AppError) as a warning with its reason, and any other 5xx as an error with its stack', async () => {
    const { app, logs } = await exampleApp();
    expect((await app.inject({ method: 'GET', url: '/unreachable' })).statusCode).toBe(502);
    expect((await app.inject({ method: 'GET', url: '/boom' })).statusCode).toBe(500);
    const chosen = logs.lines.find((line) => line.code === 'TARGET_UNREACHABLE');
    expect(chosen).toMatchObject({ level: 40, statusCode: 502, msg: 'The target did not answer' });
    expect(chosen).not.toHaveProperty('err');
    const bug = logs.lines.find((line) => line.msg === 'request failed');
    expect(bug).toMatchObject({ level: 50, err: { stack: expect.stringContaining('hunter2') } });
  });

  it('passes headers of an AppError (Retry-After)', async () => {
    const { app } = await exampleApp();
    expect((await app.inject({ method: 'GET', url: '/teapot' })).headers['retry-after']).toBe('7');
  });

  it('serves /health/live always and /health/ready by its checks', async () => {
    const healthy = (await exampleApp(true)).app;
    const sick = (await exampleApp(false)).app;
    expect((await sick.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await healthy.inject({ method: 'GET', url: '/health/ready' })).json()).toEqual({
      status: 'ok',
      checks: { dependency: 'ok' },
    });
    const ready = await sick.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.dependency).toContain('down');
  });

  it('exports Prometheus metrics with request durations by route pattern', async () => {
    const { app } = await exampleApp();
    await app.inject({ method: 'POST', url: '/things', payload: { name: 'ok' } });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/things"[^}]*\} 1/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('takes a safe x-request-id from the caller, echoes it and logs under it', async () => {
    const { app, logs } = await exampleApp();
    const response = await app.inject({
      method: 'GET',
      url: '/teapot',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(response.headers['x-request-id']).toBe('abc-123');
    expect(logs.lines.some((line) => line.reqId === 'abc-123')).toBe(true);
    const unsafe = await app.inject({ method: 'GET', url: '/teapot', headers: { 'x-request-id': 'a\nb' } });
    expect(unsafe.headers['x-request-id']).not.toContain('\n');
  });

  it('logs each request once, as it ends, with its id, route, status and time, and no headers', async () => {
    const { app, logs } = await exampleApp();
    await app.inject({
      method: 'POST',
      url: '/things?x=1',
      payload: { name: 'ok' },
      headers: { 'x-request-id': 'one-line', authorization: 'Bearer line-hunter2' },
    });
    const lines = logs.lines.filter((line) => line.reqId === 'one-line');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      req: { method: 'POST', url: '/things?x=1' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(logs.text()).not.toContain('hunter2');
  });

  it('redacts credentials from log lines', async () => {
    const logs = captureLogs('redaction', 'info');
    const app = await createServiceApp({ service: 'redaction', logger: logs.logger });
    app.get('/echo', async (request) => {
      request.log.info(
        { password: 'pw-hunter2', token: 'tok-hunter2', nested: { apiKey: 'key-hunter2' } },
        'x',
      );
      return {};
    });
    await app.inject({ method: 'GET', url: '/echo', headers: { authorization: 'Bearer bearer-hunter2' } });
    expect(logs.text()).not.toMatch(/hunter2/);
    expect(logs.text()).toContain('[redacted]');
  });

  it('turns debug logging on with the seed’s DEBUG=gpt:*', () => {
    expect(createLogger({ name: 'x', level: 'info', debug: 'gpt:*' }).level).toBe('debug');
    expect(createLogger({ name: 'x', level: 'info', debug: 'express:*' }).level).toBe('info');
  });
});

describe('session tokens', () => {
  it('verify their own signature and refuse another key’s or an expired one', async () => {
    const key = new Uint8Array(32).fill(1);
    const tokens = createSessionTokens(key);
    const token = await tokens.sign('user-1', '7d1b3a52-0000-4000-8000-000000000001');
    expect(await tokens.verify(token)).toEqual({
      userId: 'user-1',
      sessionId: '7d1b3a52-0000-4000-8000-000000000001',
    });
    expect(await createSessionTokens(new Uint8Array(32).fill(2)).verify(token)).toBeNull();
    // One character of the signature changed, away from its end: the last character of a base64url
    // HMAC carries bits a decoder drops, so changing only the end can leave the same bytes.
    const changed = token.at(-10) === 'A' ? 'B' : 'A';
    expect(await tokens.verify(`${token.slice(0, -10)}${changed}${token.slice(-9)}`)).toBeNull();
    const expired = await createSessionTokens(key, '-1s').sign('user-1');
    expect(await tokens.verify(expired)).toBeNull();
  });

  it('stop working when they expire, even after a cached verification', async () => {
    const tokens = createSessionTokens(new Uint8Array(32).fill(3), '60s');
    const token = await tokens.sign('user-2');
    expect((await tokens.verify(token))?.userId).toBe('user-2');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      expect(await tokens.verify(token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('rotate with an overlap: the previous key verifies what it signed until it is removed; new tokens use the new one', async () => {
    const oldSecret = 'the-old-session-signing-key-0123456789abcdef';
    const newSecret = 'the-new-session-signing-key-0123456789abcdef';
    const before = createSessionTokens(sessionSigningKeys({ SESSION_SIGNING_KEY: oldSecret }, 'unused'));
    const oldToken = await before.sign('user-3', '7d1b3a52-0000-4000-8000-000000000003');

    const overlap = createSessionTokens(
      sessionSigningKeys(
        { SESSION_SIGNING_KEY: newSecret, SESSION_SIGNING_KEY_PREVIOUS: oldSecret },
        'unused',
      ),
    );
    expect((await overlap.verify(oldToken))?.userId).toBe('user-3');
    const newToken = await overlap.sign('user-4');
    expect(decodeProtectedHeader(newToken).kid).not.toBe(decodeProtectedHeader(oldToken).kid);
    // A service still on the old key alone does not accept what the new key signs.
    expect(await before.verify(newToken)).toBeNull();

    const after = createSessionTokens(sessionSigningKeys({ SESSION_SIGNING_KEY: newSecret }, 'unused'));
    expect(await after.verify(oldToken)).toBeNull();
    expect((await after.verify(newToken))?.userId).toBe('user-4');
  });

  it('keep verifying tokens signed with the key derived from SECRET_KEY once it is named as previous', async () => {
    const secret = 'the-master-secret-of-this-deployment-0123';
    const derived = await createSessionTokens(sessionSigningKeys({}, secret)).sign('user-5');
    const rotated = sessionSigningKeys(
      {
        SESSION_SIGNING_KEY: 'a-brand-new-session-signing-key-0123456789',
        SESSION_SIGNING_KEY_PREVIOUS: secret,
      },
      secret,
    );
    expect((await createSessionTokens(rotated).verify(derived))?.userId).toBe('user-5');
  });

  it('verify a token made before keys had names (no kid) with any configured key; an unknown kid is refused', async () => {
    const oldKey = deriveKey('the-old-session-signing-key-0123456789abcdef', 'session-token');
    const legacy = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-6')
      .setJti('7d1b3a52-0000-4000-8000-000000000006')
      .setIssuer('chatty')
      .setAudience('chatty-api')
      .setExpirationTime('1h')
      .sign(oldKey);
    const keys = { current: new Uint8Array(32).fill(7), previous: [oldKey] };
    expect((await createSessionTokens(keys).verify(legacy))?.userId).toBe('user-6');
    expect(await createSessionTokens(new Uint8Array(32).fill(7)).verify(legacy)).toBeNull();
    const renamed = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'not-a-key-id' })
      .setSubject('user-6')
      .setJti('7d1b3a52-0000-4000-8000-000000000007')
      .setIssuer('chatty')
      .setAudience('chatty-api')
      .setExpirationTime('1h')
      .sign(oldKey);
    expect(await createSessionTokens(keys).verify(renamed)).toBeNull();
  });
});
