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
  it('backs off wrong passwords per address and account: a stranger cannot lock the owner out', async () => {
    registry = await startRegistry({ AUTH_RATE_LIMIT_PER_ACCOUNT: '3', AUTH_RATE_LIMIT_PER_ADDRESS: '100' });
    await signUp(registry.app, 'victim@example.com');
    const attacker = '198.51.100.66';
    for (let i = 0; i < 3; i++)
      expect((await login(registry.app, 'victim@example.com', attacker)).statusCode).toBe(401);
    const limited = await login(registry.app, 'Victim@Example.com', attacker);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // The owner, from their own address, signs in at once.
    const owner = await registry.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: '203.0.113.20',
      payload: { email: 'victim@example.com', password: 'correct horse battery' },
    });
    expect(owner.statusCode).toBe(200);
    // The attacker's wait doubles with each failure after it ends.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await login(registry.app, 'victim@example.com', attacker)).statusCode).toBe(401);
    const longer = await login(registry.app, 'victim@example.com', attacker);
    expect(longer.statusCode).toBe(429);
    expect(Number(longer.headers['retry-after'])).toBe(2);
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
