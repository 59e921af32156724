import { afterEach, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';

let registry: RegistryHarness | undefined;
afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

const login = (app: RegistryHarness['app'], email: string, ip = '198.51.100.7') =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: ip,
    payload: { email, password: 'guess guess guess' },
  });

describe('login and signup rate limits', () => {
  it('limits attempts per account, whatever address they come from, with 429 and Retry-After', async () => {
    registry = await startRegistry({ AUTH_RATE_LIMIT_PER_ACCOUNT: '3', AUTH_RATE_LIMIT_PER_ADDRESS: '100' });
    for (let i = 0; i < 3; i++) {
      expect((await login(registry.app, 'victim@example.com', `198.51.100.${i + 1}`)).statusCode).toBe(401);
    }
    const limited = await login(registry.app, 'Victim@Example.com', '198.51.100.99');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(registry.app, 'someone-else@example.com', '198.51.100.99')).statusCode).toBe(401);
  });

  it('limits attempts per address across accounts, signup included', async () => {
    registry = await startRegistry({ AUTH_RATE_LIMIT_PER_ADDRESS: '3', AUTH_RATE_LIMIT_PER_ACCOUNT: '100' });
    for (let i = 0; i < 3; i++) expect((await login(registry.app, `u${i}@example.com`)).statusCode).toBe(401);
    expect((await login(registry.app, 'u9@example.com')).statusCode).toBe(429);
    const signup = await registry.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      remoteAddress: '198.51.100.7',
      payload: { email: 'fresh@example.com', password: 'long enough password' },
    });
    expect(signup.statusCode).toBe(429);
    expect((await login(registry.app, 'u9@example.com', '203.0.113.1')).statusCode).toBe(401);
  });
});

describe('ALLOW_SIGNUP=false', () => {
  it('lets the first user in as admin, then answers 403 SIGNUP_DISABLED', async () => {
    registry = await startRegistry({ ALLOW_SIGNUP: 'false' });
    const admin = await signUp(registry.app, 'admin@example.com');
    expect(admin.user.role).toBe('admin');
    const second = await registry.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'late@example.com', password: 'long enough password' },
    });
    expect(second.statusCode).toBe(403);
    expect(second.json().error.code).toBe('SIGNUP_DISABLED');
  });
});
