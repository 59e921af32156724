import { expect } from 'vitest';
import type { RegistryHarness, signUp } from '../harness.js';

export type User = Awaited<ReturnType<typeof signUp>>;
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** Requests to a test registry as a user (or nobody), and the steps every teams test takes. */
export function teamSteps(registry: () => RegistryHarness) {
  const call = (user: User | null, method: Method, url: string, payload?: object, headers = {}) =>
    registry().app.inject({
      method,
      url,
      headers: { ...(user?.auth ?? {}), ...headers },
      ...(payload && { payload }),
    });

  async function workspace(user: User, name: string) {
    const response = await call(user, 'POST', '/api/workspaces', { name });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as string;
  }

  async function invite(from: User, workspaceId: string, to: User, role: 'member' | 'admin' = 'member') {
    const response = await call(from, 'POST', `/api/workspaces/${workspaceId}/invitations`, {
      email: to.email,
      role,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; token: string; url: string; expiresAt: string };
  }

  async function join(user: User, token: string) {
    const response = await call(user, 'POST', `/api/invitations/${token}/accept`);
    expect(response.statusCode, response.body).toBe(200);
  }

  /** Invited and joined. */
  const bringIn = async (from: User, workspaceId: string, user: User) =>
    join(user, (await invite(from, workspaceId, user)).token);

  return { call, workspace, invite, join, bringIn };
}
