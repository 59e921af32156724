import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DatabaseEnv, loadConfig, RedisEnv, urlPassword } from '@chatty/shared';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Schema = Type.Object({ ...DatabaseEnv, ...RedisEnv });

/** How pg and ioredis read the password of a URL. */
const passwordOf = (url: string) => decodeURIComponent(new URL(url).password);

describe('passwords kept apart from their URLs', () => {
  it('go into the URL, percent-encoded so that any character survives', () => {
    const password = 'p@ss/w:rd%?#&=+ é';
    const config = loadConfig(Schema, {
      DATABASE_URL: 'postgres://chatty@db:5432/chatty',
      DATABASE_PASSWORD: password,
      REDIS_PASSWORD: password,
    });
    expect(passwordOf(config.DATABASE_URL)).toBe(password);
    expect(new URL(config.DATABASE_URL)).toMatchObject({
      username: 'chatty',
      host: 'db:5432',
      pathname: '/chatty',
    });
    // Into the default URL too, which has no user: Redis's `requirepass` form.
    expect(config.REDIS_URL).toMatch(/^redis:\/\/:[^@]+@127\.0\.0\.1:6379$/);
    expect(passwordOf(config.REDIS_URL)).toBe(password);
  });

  it('can come from a secret file while the URL stays plain configuration', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'chatty-secrets-')), 'postgres_password');
    writeFileSync(path, 'from-the-secret-file\n');
    const config = loadConfig(Schema, {
      DATABASE_URL: 'postgres://chatty@db:5432/chatty',
      DATABASE_PASSWORD_FILE: path,
    });
    expect(config.DATABASE_URL).toBe('postgres://chatty:from-the-secret-file@db:5432/chatty');
  });

  it('leave the URLs untouched when unset', () => {
    expect(loadConfig(Schema, {})).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/chatty',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
  });

  it('are refused for a URL that has a password already, naming both keys and neither value', () => {
    const error = (() => {
      try {
        loadConfig(Schema, { DATABASE_URL: 'postgres://u:hunter2@db/chatty', DATABASE_PASSWORD: 'hunter3' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      'DATABASE_PASSWORD: DATABASE_URL has a password already; give it in one place',
    ]);
    expect(error.message).not.toMatch(/hunter/);
  });

  it('work for any URL key a schema pairs with urlPassword', () => {
    const Custom = Type.Object({
      BROKER_URL: Type.String({ default: 'amqp://guest@broker:5672/' }),
      BROKER_PASSWORD: urlPassword('BROKER_URL'),
    });
    expect(loadConfig(Custom, { BROKER_PASSWORD: 's3cret' }).BROKER_URL).toBe(
      'amqp://guest:s3cret@broker:5672/',
    );
    expect(() => loadConfig(Custom, { BROKER_URL: 'not a url', BROKER_PASSWORD: 'x' })).toThrow(
      'BROKER_PASSWORD: BROKER_URL is not a URL to put it in',
    );
  });
});
