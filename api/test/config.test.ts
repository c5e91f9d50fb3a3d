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
