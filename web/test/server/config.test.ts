// Boot refuses a configuration that would make the web tier insecure or unusable, naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadWebConfig } from '../../server/config.ts';
import { testSecrets } from './harness.ts';

const valid = { ...testSecrets };

describe('loadWebConfig', () => {
  it('accepts a valid environment and applies defaults', () => {
    const config = loadWebConfig(valid);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      trustProxy: false,
      authRateLimit: true,
      apiUrl: 'http://localhost:4000/graphql',
      database: { embedded: true },
      accessToken: { issuer: 'taskgate-web', audience: 'taskgate-api', lifetimeSeconds: 900 },
      redisUrl: undefined,
      redisKeyPrefix: 'taskgate:auth:',
    });
  });

  it('refuses a BETTER_AUTH_SECRET equal to JWT_SECRET', () => {
    expect(() => loadWebConfig({ ...valid, BETTER_AUTH_SECRET: valid.JWT_SECRET })).toThrow(
      /BETTER_AUTH_SECRET: must differ from JWT_SECRET/,
    );
  });

  it('refuses a BETTER_AUTH_SECRET under 32 bytes', () => {
    expect(() => loadWebConfig({ ...valid, BETTER_AUTH_SECRET: 'x'.repeat(31) })).toThrow(
      /BETTER_AUTH_SECRET: must be at least 32 bytes, got 31/,
    );
  });

  it('refuses a missing BETTER_AUTH_SECRET', () => {
    expect(() => loadWebConfig({ JWT_SECRET: valid.JWT_SECRET })).toThrow(/BETTER_AUTH_SECRET: is required/);
  });

  it('refuses the .env.example placeholder as BETTER_AUTH_SECRET', () => {
    expect(() => loadWebConfig({ ...valid, BETTER_AUTH_SECRET: 'change-me-to-another-random-string-of-32-bytes' })).toThrow(
      /BETTER_AUTH_SECRET: is still the placeholder/,
    );
  });

  it('refuses a JWT_EXPIRES_IN that is not a duration from 1s to 1d', () => {
    for (const bad of ['15 minutes', '0s', '2d', '-5m', 'soon']) {
      expect(() => loadWebConfig({ ...valid, JWT_EXPIRES_IN: bad })).toThrow(/JWT_EXPIRES_IN: must be a duration/);
    }
    expect(loadWebConfig({ ...valid, JWT_EXPIRES_IN: '90s' }).accessToken.lifetimeSeconds).toBe(90);
  });

  it('refuses a BETTER_AUTH_URL with a path: Better Auth lives at /api/auth of this origin', () => {
    expect(() => loadWebConfig({ ...valid, BETTER_AUTH_URL: 'https://tasks.test/app' })).toThrow(/BETTER_AUTH_URL: must be an origin/);
    expect(loadWebConfig({ ...valid, BETTER_AUTH_URL: 'https://tasks.test/' }).publicUrl).toBe('https://tasks.test');
  });

  it('reports every problem at once, naming each variable', () => {
    try {
      loadWebConfig({ WEB_PORT: 'eighty', TRUST_PROXY: 'maybe', API_URL: 'ftp://x', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      for (const name of ['WEB_PORT', 'TRUST_PROXY', 'API_URL', 'DATABASE_URL', 'JWT_SECRET', 'BETTER_AUTH_SECRET']) {
        expect((error as Error).message).toContain(`${name}:`);
      }
    }
  });
});

describe('loadWebConfig: REDIS_URL', () => {
  it('accepts redis:// and rediss:// URLs, with credentials and a database number', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://user:secret@cache.internal:6380/2', 'redis://redis']) {
      expect(loadWebConfig({ ...valid, REDIS_URL: url }).redisUrl).toBe(url);
    }
    expect(loadWebConfig({ ...valid, REDIS_URL: '' }).redisUrl).toBeUndefined();
  });

  it('refuses anything else, naming the variable and never repeating a password', () => {
    const cases = [
      ['http://user:hunter2@cache:6379', /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL .*got a http: URL/],
      ['127.0.0.1:6379', /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
      ['hunter2 not a url', /REDIS_URL: .*the value is not a URL/],
      ['redis://:hunter2@cache:6379/sessions', /REDIS_URL: .*the path may only be a database number/],
    ] as const;
    for (const [value, message] of cases) {
      let thrown: unknown;
      try {
        loadWebConfig({ ...valid, REDIS_URL: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toMatch(message);
      expect((thrown as Error).message).not.toContain('hunter2');
    }
  });

  it('takes REDIS_KEY_PREFIX as a plain prefix, refusing spaces and glob characters', () => {
    expect(loadWebConfig({ ...valid, REDIS_KEY_PREFIX: 'taskgate-staging:auth:' }).redisKeyPrefix).toBe('taskgate-staging:auth:');
    for (const bad of ['with space:', 'glob*:', 'x'.repeat(65)]) {
      expect(() => loadWebConfig({ ...valid, REDIS_KEY_PREFIX: bad })).toThrow(/REDIS_KEY_PREFIX: must be 1-64 letters/);
    }
  });
});

describe('loadWebConfig: JWT_MODE', () => {
  const eddsa = { JWT_MODE: 'eddsa', BETTER_AUTH_SECRET: valid.BETTER_AUTH_SECRET };

  it('signs with JWT_SECRET by default', () => {
    expect(loadWebConfig(valid).accessToken).toMatchObject({ mode: 'hs256', secret: new TextEncoder().encode(valid.JWT_SECRET) });
  });

  it('needs no JWT_SECRET with JWT_MODE=eddsa, and rotates keys every 30 days with a 1-day grace period by default', () => {
    expect(loadWebConfig(eddsa).accessToken).toEqual({
      mode: 'eddsa',
      issuer: 'taskgate-web',
      audience: 'taskgate-api',
      lifetimeSeconds: 900,
      keyRotationSeconds: 30 * 86400,
      keyGracePeriodSeconds: 86400,
    });
    const custom = loadWebConfig({ ...eddsa, JWT_KEY_ROTATION_INTERVAL: '7d', JWT_KEY_GRACE_PERIOD: '2h' }).accessToken;
    expect(custom).toMatchObject({ keyRotationSeconds: 7 * 86400, keyGracePeriodSeconds: 7200 });
  });

  it('refuses a JWT_KEY_GRACE_PERIOD shorter than JWT_EXPIRES_IN: a retired key stays published until its last token expires', () => {
    expect(() => loadWebConfig({ ...eddsa, JWT_EXPIRES_IN: '1h', JWT_KEY_GRACE_PERIOD: '30m' })).toThrow(
      /JWT_KEY_GRACE_PERIOD: must be at least JWT_EXPIRES_IN \(3600s\)/,
    );
  });

  it('refuses a JWT_KEY_ROTATION_INTERVAL under one hour and an unknown JWT_MODE', () => {
    expect(() => loadWebConfig({ ...eddsa, JWT_KEY_ROTATION_INTERVAL: '10m' })).toThrow(/JWT_KEY_ROTATION_INTERVAL: must be a duration .* from 1h to 365d/);
    expect(() => loadWebConfig({ ...valid, JWT_MODE: 'none' })).toThrow(/JWT_MODE: must be hs256 or eddsa/);
  });
});
