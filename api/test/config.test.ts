// Boot refuses a configuration that would make the API insecure or unusable, naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const valid = { JWT_SECRET: 'a-real-random-secret-of-more-than-32-bytes-0123456789' };

describe('loadConfig', () => {
  it('accepts a valid environment and applies defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(4000);
    expect(config.jwt.clockToleranceSeconds).toBe(5);
    expect(config.jwt.maxTokenBytes).toBe(4096);
    expect(config.database.embedded).toBe(true);
  });
  it('refuses a missing JWT_SECRET', () => {
    expect(() => loadConfig({})).toThrow(/JWT_SECRET: is required/);
  });
  it('refuses a JWT_SECRET under 32 bytes', () => {
    expect(() => loadConfig({ JWT_SECRET: 'x'.repeat(31) })).toThrow(/JWT_SECRET: must be at least 32 bytes, got 31/);
  });
  it('refuses the .env.example placeholder secret', () => {
    expect(() => loadConfig({ JWT_SECRET: 'change-me-to-a-random-string-of-at-least-32-bytes' })).toThrow(/placeholder/);
  });
  it('refuses a clock tolerance over 5 seconds', () => {
    expect(() => loadConfig({ ...valid, JWT_CLOCK_TOLERANCE_SECONDS: '60' })).toThrow(/JWT_CLOCK_TOLERANCE_SECONDS/);
  });
  it('reports every problem at once', () => {
    try {
      loadConfig({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/API_PORT[\s\S]*DATABASE_URL[\s\S]*JWT_SECRET/);
    }
  });
});

describe('loadConfig: JWT_MODE and key rotation', () => {
  const previous = 'the-secret-being-retired-0123456789-abcdefghij';

  it('defaults to hs256 with no previous secret', () => {
    expect(loadConfig(valid).jwt).toMatchObject({ mode: 'hs256' });
    expect(loadConfig(valid).jwt).not.toHaveProperty('previousSecret');
  });
  it('accepts a JWT_SECRET_PREVIOUS that differs from JWT_SECRET', () => {
    const { jwt } = loadConfig({ ...valid, JWT_SECRET_PREVIOUS: previous });
    expect(jwt.mode === 'hs256' && new TextDecoder().decode(jwt.previousSecret)).toBe(previous);
  });
  it('refuses a JWT_SECRET_PREVIOUS under 32 bytes', () => {
    expect(() => loadConfig({ ...valid, JWT_SECRET_PREVIOUS: 'x'.repeat(31) })).toThrow(/JWT_SECRET_PREVIOUS: must be at least 32 bytes, got 31/);
  });
  it('refuses a JWT_SECRET_PREVIOUS equal to JWT_SECRET', () => {
    expect(() => loadConfig({ ...valid, JWT_SECRET_PREVIOUS: valid.JWT_SECRET })).toThrow(/JWT_SECRET_PREVIOUS: must differ from JWT_SECRET/);
  });
  it('refuses an unknown JWT_MODE', () => {
    expect(() => loadConfig({ ...valid, JWT_MODE: 'rs256' })).toThrow(/JWT_MODE: must be hs256 or eddsa, got "rs256"/);
  });
  it('refuses JWT_MODE=eddsa without JWT_JWKS_URL', () => {
    expect(() => loadConfig({ ...valid, JWT_MODE: 'eddsa' })).toThrow(/JWT_JWKS_URL: is required with JWT_MODE=eddsa/);
    expect(() => loadConfig({ ...valid, JWT_MODE: 'eddsa', JWT_JWKS_URL: 'file:///etc/jwks.json' })).toThrow(/JWT_JWKS_URL: must be an http\(s\) URL/);
  });
  it('needs no JWT_SECRET with JWT_MODE=eddsa, and reads the JWKS timings', () => {
    const { jwt } = loadConfig({ JWT_MODE: 'eddsa', JWT_JWKS_URL: 'https://tasks.test/api/auth/jwks', JWT_JWKS_COOLDOWN: '30s', JWT_JWKS_CACHE_MAX_AGE: '1h' });
    expect(jwt).toMatchObject({ mode: 'eddsa', jwks: { url: new URL('https://tasks.test/api/auth/jwks'), cooldownMs: 30_000, cacheMaxAgeMs: 3_600_000 } });
    expect(jwt).not.toHaveProperty('secret');
    expect(loadConfig({ JWT_MODE: 'eddsa', JWT_JWKS_URL: 'https://tasks.test/api/auth/jwks' }).jwt).toMatchObject({
      jwks: { cooldownMs: 10_000, cacheMaxAgeMs: 600_000 },
    });
  });
  it('refuses a JWT_JWKS_COOLDOWN that is not a duration from 1s to 1h', () => {
    expect(() => loadConfig({ JWT_MODE: 'eddsa', JWT_JWKS_URL: 'https://tasks.test/jwks', JWT_JWKS_COOLDOWN: '0s' })).toThrow(/JWT_JWKS_COOLDOWN: must be a duration/);
  });
});

describe('loadConfig: GRAPHIQL and WEB_ORIGIN', () => {
  it('serves GraphiQL by default in development and test, not in production', () => {
    expect(loadConfig({ ...valid, NODE_ENV: 'development' }).graphiql).toBe(true);
    expect(loadConfig({ ...valid, NODE_ENV: 'test' }).graphiql).toBe(true);
    expect(loadConfig({ ...valid, NODE_ENV: 'production' }).graphiql).toBe(false);
  });
  it('lets GRAPHIQL override the default either way', () => {
    expect(loadConfig({ ...valid, NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(true);
    expect(loadConfig({ ...valid, NODE_ENV: 'development', GRAPHIQL: 'false' }).graphiql).toBe(false);
  });
  it('defaults WEB_ORIGIN to http://localhost:3000 and keeps only the origin of a URL given with a trailing slash', () => {
    expect(loadConfig(valid).webOrigin).toBe('http://localhost:3000');
    expect(loadConfig({ ...valid, WEB_ORIGIN: 'https://Tasks.Example.com:8443/' }).webOrigin).toBe('https://tasks.example.com:8443');
  });
  it('refuses a WEB_ORIGIN with a path or that is not http(s)', () => {
    expect(() => loadConfig({ ...valid, WEB_ORIGIN: 'https://tasks.example.com/app' })).toThrow(/WEB_ORIGIN: must be an origin/);
    expect(() => loadConfig({ ...valid, WEB_ORIGIN: '*' })).toThrow(/WEB_ORIGIN/);
  });
});

describe('loadConfig: live updates (REDIS_URL, subscription limits)', () => {
  it('defaults to no Redis and 10 streams per user, 10 000 per process', () => {
    const config = loadConfig(valid);
    expect(config.redisUrl).toBeUndefined();
    expect(config.redisKeyPrefix).toBe('taskgate:auth:');
    expect(config.subscriptionLimits).toEqual({ perUser: 10, total: 10_000 });
  });
  it('reads REDIS_URL, REDIS_KEY_PREFIX, SUBSCRIPTIONS_PER_USER and MAX_SUBSCRIPTIONS', () => {
    const config = loadConfig({ ...valid, REDIS_URL: 'redis://127.0.0.1:6379/2', REDIS_KEY_PREFIX: 'tg:', SUBSCRIPTIONS_PER_USER: '3', MAX_SUBSCRIPTIONS: '500' });
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379/2', redisKeyPrefix: 'tg:', subscriptionLimits: { perUser: 3, total: 500 } });
  });
  it('refuses a REDIS_URL that is not redis:// without repeating it (it may hold a password)', () => {
    expect(() => loadConfig({ ...valid, REDIS_URL: 'http://user:hunter2@cache:6379' })).toThrow(/REDIS_URL: must be a redis:\/\//);
    expect(() => loadConfig({ ...valid, REDIS_URL: 'http://user:hunter2@cache:6379' })).not.toThrow(/hunter2/);
  });
  it('refuses a SUBSCRIPTIONS_PER_USER of 0', () => {
    expect(() => loadConfig({ ...valid, SUBSCRIPTIONS_PER_USER: '0' })).toThrow(/SUBSCRIPTIONS_PER_USER: must be an integer from 1/);
  });
});
