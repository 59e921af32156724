import { ConfigError, DatabaseEnv, LogEnv, loadConfig } from '@chatty/shared';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Schema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5000 }),
  ALLOW_SIGNUP: Type.Boolean({ default: true }),
  ...DatabaseEnv,
  ...LogEnv,
});

describe('loadConfig', () => {
  it('applies defaults to an empty environment', () => {
    expect(loadConfig(Schema, {})).toEqual({
      PORT: 5000,
      ALLOW_SIGNUP: true,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/chatty',
      DB_POOL_MAX: 10,
      LOG_LEVEL: 'info',
    });
  });

  it('converts strings to the declared types and treats empty strings as unset', () => {
    const config = loadConfig(Schema, { PORT: '8080', ALLOW_SIGNUP: 'false', LOG_LEVEL: '', DEBUG: 'gpt:*' });
    expect(config).toMatchObject({ PORT: 8080, ALLOW_SIGNUP: false, LOG_LEVEL: 'info', DEBUG: 'gpt:*' });
  });

  it('lists every bad key at once, without echoing values', () => {
    const error = (() => {
      try {
        loadConfig(Schema, { PORT: 'eighty', DATABASE_URL: 'mysql://secret-password@db', LOG_LEVEL: 'loud' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const keys = error.problems.map((problem) => problem.split(':')[0]);
    expect(keys).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'LOG_LEVEL']));
    expect(error.message).not.toContain('secret-password');
  });

  it('ignores variables the schema does not declare', () => {
    expect(loadConfig(Schema, { UNRELATED: 'x' })).not.toHaveProperty('UNRELATED');
  });
});
