import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';

/** An account keeps SESSION_MAX_PER_USER live sign-ins (3 here); one more ends the oldest. */
let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry({ SESSION_MAX_PER_USER: '3' });
});
afterAll(() => registry.close());

const login = async (email: string) => {
  const response = await registry.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'correct horse battery' },
  });
  expect(response.statusCode, response.body).toBe(200);
  return { authorization: `Bearer ${response.json().token as string}` };
};
const me = (auth: Record<string, string>) =>
  registry.app.inject({ method: 'GET', url: '/api/auth/me', headers: auth });

describe('SESSION_MAX_PER_USER', () => {
  it('ends the oldest session when a sign-in passes the cap, and leaves other accounts alone', async () => {
    const user = await signUp(registry.app);
    const other = await signUp(registry.app);
    const signedIn = [user.auth, await login(user.email), await login(user.email)];
    for (const auth of signedIn) expect((await me(auth)).statusCode).toBe(200);

    const fourth = await login(user.email);
    expect((await me(signedIn[0]!)).statusCode).toBe(401);
    for (const auth of [...signedIn.slice(1), fourth]) expect((await me(auth)).statusCode).toBe(200);
    const sessions = await registry.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: fourth });
    expect(sessions.json().items).toHaveLength(3);
    expect(sessions.json().items[0].current).toBe(true);
    expect((await me(other.auth)).statusCode).toBe(200);
  });
});
