import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyStaticOptions } from '@fastify/static';

/** The built UI (`npm run build` → dist/ui); the placeholder page in public/ when it is not built. */
export const UI_DIR = fileURLToPath(new URL('../dist/ui', import.meta.url));
const PLACEHOLDER_DIR = fileURLToPath(new URL('../public', import.meta.url));

// Defence in depth for the UI: only our own scripts run, whatever text ends up in the page.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export function staticSiteOptions(): FastifyStaticOptions {
  const root = existsSync(`${UI_DIR}/index.html`) ? UI_DIR : PLACEHOLDER_DIR;
  return {
    root,
    prefix: '/',
    index: ['index.html'],
    // Our own Cache-Control below: hashed assets forever, the page itself always revalidated.
    cacheControl: false,
    setHeaders(response, path) {
      response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      response.setHeader('x-content-type-options', 'nosniff');
      response.setHeader('referrer-policy', 'no-referrer');
      // Vite names assets by content hash, so they never change; the page itself is always revalidated.
      response.setHeader(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  };
}
