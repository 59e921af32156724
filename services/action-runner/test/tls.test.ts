import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { ActionRunnerApp } from '@chatty/action-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spec, startRunner, TOKEN } from './harness.js';

/**
 * HTTPS actions go to the checked address while TLS keeps the action's host name: the certificate is
 * checked against the name, SNI carries it, and ACTION_TLS_CA_FILE adds a team's own authority.
 */
let dir: string;
let server: https.Server;
let port: number;
const seen: Array<{ host: string | undefined; servername: string | false | null }> = [];

/** A self-signed certificate for `name` (its own authority), made with the system's openssl. */
function selfSigned(name: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' }); // biome-ignore format: one command line
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

const names = ['secure.test', 'wrong-name.test'];
const resolver = async (hostname: string) => {
  if (names.includes(hostname)) return [{ address: '127.0.0.1', family: 4 as const }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};
const env = () => ({ ACTION_EGRESS_ALLOW: names.map((name) => `${name}:${port}`).join(',') });

async function execute(runner: ActionRunnerApp, url: string) {
  return runner.inject({ method: 'POST', url: '/internal/execute', headers: TOKEN, payload: spec(url) });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-tls-'));
  const { key, cert } = selfSigned('secure.test');
  writeFileSync(join(dir, 'team-ca.pem'), cert);
  server = https.createServer({ key, cert }, (request, response) => {
    seen.push({ host: request.headers.host, servername: (request.socket as TLSSocket).servername });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ secure: true }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('with the team authority in ACTION_TLS_CA_FILE', () => {
  let runner: ActionRunnerApp;
  beforeAll(async () => {
    runner = await startRunner({ ...env(), ACTION_TLS_CA_FILE: join(dir, 'team-ca.pem') }, { resolver });
  });
  afterAll(() => runner.close());

  it('reaches the name at its checked address, with the name in SNI and Host', async () => {
    seen.length = 0;
    const response = await execute(runner, `https://secure.test:${port}/status`);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.json().body)).toEqual({ secure: true });
    expect(seen).toEqual([{ host: `secure.test:${port}`, servername: 'secure.test' }]);
  });

  it('a certificate for another name is refused, nothing is sent, and the answer says why', async () => {
    seen.length = 0;
    const response = await execute(runner, `https://wrong-name.test:${port}/status`);
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('ACTION_UNREACHABLE');
    expect(response.json().error.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(seen).toEqual([]);
  });
});

describe('without it', () => {
  let runner: ActionRunnerApp;
  beforeAll(async () => {
    runner = await startRunner(env(), { resolver });
  });
  afterAll(() => runner.close());

  it('a certificate no default authority signed is refused', async () => {
    const response = await execute(runner, `https://secure.test:${port}/status`);
    expect(response.statusCode).toBe(502);
    expect(response.json().error.message).toMatch(/SELF_SIGNED/);
  });
});

describe('ACTION_TLS_CA_FILE itself', () => {
  it('a file that is missing or holds no certificate stops the start with the reason', async () => {
    await expect(startRunner({ ...env(), ACTION_TLS_CA_FILE: join(dir, 'absent.pem') })).rejects.toThrow(
      /cannot be read \(ENOENT\)/,
    );
    writeFileSync(join(dir, 'not-pem.txt'), 'hello');
    await expect(startRunner({ ...env(), ACTION_TLS_CA_FILE: join(dir, 'not-pem.txt') })).rejects.toThrow(
      /holds no PEM certificate/,
    );
  });
});
