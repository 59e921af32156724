import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, startRegistry } from '../harness.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

describe('the OpenAPI document', () => {
  it('describes every public route with its error answers', async () => {
    const response = await registry.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/auth/signup',
        'POST /api/auth/login',
        'GET /api/auth/me',
        'POST /api/keys',
        'GET /api/keys',
        'DELETE /api/keys/{id}',
        'GET /api/gpts',
        'POST /api/gpts',
        'GET /api/gpts/{id}',
        'PUT /api/gpts/{id}',
        'DELETE /api/gpts/{id}',
        'GET /api/gpts/{id}/versions',
        'POST /api/gpts/{id}/avatar',
      ]),
    );
    expect(routes.some((route) => route.includes('/health') || route.includes('/metrics'))).toBe(false);
    expect(doc.paths['/api/gpts'].post.responses).toHaveProperty('400');
    expect(doc.paths['/api/gpts/{id}'].get.responses).toHaveProperty('404');
  });

  it('serves the API reference UI at /api/docs', async () => {
    const response = await registry.app.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });
});

describe('health', () => {
  it('is ready when Postgres, Redis and object storage answer', async () => {
    const response = await registry.app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', s3: 'ok' } });
  });
});
