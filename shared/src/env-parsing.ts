// Parsers for environment variables, shared by the API's and the web server's config modules: each
// takes the raw value and either returns the parsed one or throws a message to show next to its name.
import { DEFAULT_JWT_MODE, JWT_MODES, MIN_SECRET_BYTES, type JwtMode } from './token-contract.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type NodeEnv = 'development' | 'production' | 'test';

/** Collects every problem so one boot reports them all; `done()` throws a ConfigError if any. */
export function envReader(env: NodeJS.ProcessEnv) {
  const problems: string[] = [];
  return {
    read<T>(name: string, parse: (raw: string | undefined) => T, fallback: T): T {
      try {
        return parse(env[name]);
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
        return fallback;
      }
    },
    done(): void {
      if (problems.length > 0) {
        throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}\nSee .env.example.`);
      }
    },
  };
}

/** Placeholders shipped in .env.example; boot refuses them so nobody runs with a published secret. */
const PLACEHOLDER_SECRET = /change[-_]?me|placeholder|example/i;

export function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value ? value : undefined;
}

export function parseNodeEnv(raw: string | undefined): NodeEnv {
  const value = nonEmpty(raw) ?? 'development';
  if (value === 'development' || value === 'production' || value === 'test') return value;
  throw new Error(`must be development, production or test, got "${value}"`);
}

export function parseSecret(raw: string | undefined): Uint8Array {
  if (!raw) throw new Error(`is required (a random string of at least ${MIN_SECRET_BYTES} bytes, e.g. \`openssl rand -base64 48\`)`);
  const bytes = new TextEncoder().encode(raw);
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new Error(`must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.byteLength}`);
  }
  if (PLACEHOLDER_SECRET.test(raw)) throw new Error('is still the placeholder from .env.example; generate a real secret');
  return bytes;
}

/** JWT_SECRET_PREVIOUS: optional; when set, held to JWT_SECRET's rules and different from it. */
export function parsePreviousSecret(raw: string | undefined, current: Uint8Array): Uint8Array | undefined {
  if (nonEmpty(raw) === undefined) return undefined;
  const bytes = parseSecret(raw);
  if (Buffer.from(bytes).equals(Buffer.from(current))) throw new Error('must differ from JWT_SECRET (it is the secret being retired)');
  return bytes;
}

export function parseJwtMode(raw: string | undefined): JwtMode {
  const value = nonEmpty(raw)?.toLowerCase() ?? DEFAULT_JWT_MODE;
  const mode = JWT_MODES.find((candidate) => candidate === value);
  if (mode === undefined) throw new Error(`must be ${JWT_MODES.join(' or ')}, got "${value}"`);
  return mode;
}

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** `<n>s`, `<n>m`, `<n>h` or `<n>d`, in seconds, from `min` to `max` (both written the same way). */
export function duration(raw: string | undefined, fallback: string, min: string, max: string): number {
  const value = nonEmpty(raw) ?? fallback;
  const seconds = durationToSeconds(value);
  if (!(seconds >= durationToSeconds(min) && seconds <= durationToSeconds(max))) {
    throw new Error(`must be a duration such as 90s, 15m, 12h or 30d, from ${min} to ${max}, got "${value}"`);
  }
  return seconds;
}

function durationToSeconds(value: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value);
  return match ? Number(match[1]) * SECONDS_PER_UNIT[match[2] as keyof typeof SECONDS_PER_UNIT] : Number.NaN;
}

export function integer(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = nonEmpty(raw);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(`must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

export function boolean(raw: string | undefined, fallback: boolean): boolean {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`must be true or false, got "${value}"`);
}

export function httpUrl(raw: string | undefined, fallback: string): URL {
  const value = nonEmpty(raw) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`must be an absolute http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`must be an http(s) URL, got "${value}"`);
  return url;
}

/**
 * redis://[user:password@]host[:port][/db] or rediss:// (TLS), as ioredis reads it. Messages never repeat
 * the value: it may carry a password.
 */
export function parseRedisUrl(raw: string | undefined): string | undefined {
  const value = nonEmpty(raw);
  if (value === undefined) return undefined;
  const expected = 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${expected} (the value is not a URL)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`${expected}, got a ${url.protocol} URL`);
  if (!url.hostname) throw new Error(`${expected} (no host)`);
  if (!/^\/?(\d+)?$/.test(url.pathname)) throw new Error(`${expected}; the path may only be a database number, such as /1`);
  return value;
}

/** Letters, digits and `_.:-`, up to 64: what shows plainly in redis-cli and needs no escaping in SCAN patterns. */
export function parseRedisKeyPrefix(raw: string | undefined): string {
  const value = nonEmpty(raw) ?? 'taskgate:auth:';
  if (!/^[\w.:-]{1,64}$/.test(value)) throw new Error(`must be 1-64 letters, digits or _.:- characters, got "${value}"`);
  return value;
}
