import { createServiceApp, redactUrl } from '@chatty/shared';
import { captureLogs } from '@chatty/testkit';
import { describe, expect, it } from 'vitest';

const TOKEN = 'K5kVsecret-invitation-token_0123456789';

describe('the request log line', () => {
  it("masks a workspace invitation's token in the logged URL, keeping the other fields", async () => {
    const logs = captureLogs('request-log', 'info');
    const app = await createServiceApp({ service: 'request-log', logger: logs.logger });
    app.get('/api/invitations/:token', async () => ({}));
    app.post('/api/invitations/:token/accept', async () => {
      throw new Error('broken');
    });
    try {
      await app.inject({ method: 'GET', url: `/api/invitations/${TOKEN}?x=1` });
      await app.inject({ method: 'POST', url: `/api/invitations/${TOKEN}/accept` });
      await app.inject({ method: 'GET', url: `/api//Invitations/${TOKEN}` });
    } finally {
      await app.close();
    }
    expect(logs.text()).not.toContain(TOKEN);
    const requests = logs.lines.filter((line) => line.req);
    expect(
      requests.map((line) => [
        (line.req as { url: string }).url,
        (line.res as { statusCode: number }).statusCode,
      ]),
    ).toEqual([
      ['/api/invitations/***?x=1', 200],
      ['/api/invitations/***/accept', 500],
      ['/api//Invitations/***', 404],
    ]);
    expect(requests[0]).toMatchObject({
      req: { method: 'GET', host: 'localhost:80', remoteAddress: '127.0.0.1' },
      res: { statusCode: 200 },
    });
  });
});

describe('redactUrl', () => {
  it.each([
    [`/api/invitations/${TOKEN}`, '/api/invitations/***'],
    [`/api/invitations/${TOKEN}/accept`, '/api/invitations/***/accept'],
    [`/api/invitations/${TOKEN}#x`, '/api/invitations/***#x'],
    [
      `http://example.com/api/invitations/${TOKEN}/accept?a=b`,
      'http://example.com/api/invitations/***/accept?a=b',
    ],
    ['/api/invitations/', '/api/invitations/'],
    // Not tokens: an admin invitation's travels in the body; a workspace's invitations go by id.
    ['/api/auth/invitations/check', '/api/auth/invitations/check'],
    ['/api/workspaces/1/invitations/2', '/api/workspaces/1/invitations/2'],
    ['/api/gpts/1', '/api/gpts/1'],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });
});
