// Every environment variable the API reads, parsed and validated once at boot. Anything wrong stops
// the process with a message naming the variable; nothing else in the API reads process.env.
import { resolveDatabaseTarget, type DatabaseTarget } from '@taskgate/prisma/database';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, MIN_SECRET_BYTES } from './auth/token-contract.ts';

export interface JwtSettings {
  /** HMAC key for HS256; at least 32 bytes (RFC 7518 §3.2: key as long as the hash). */
  secret: Uint8Array;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** Authorization header values longer than this are refused before any parsing. */
  maxTokenBytes: number;
}

export interface ApiConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  database: DatabaseTarget;
  databasePoolSize: number;
  jwt: JwtSettings;
  graphiql: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Placeholders shipped in .env.example; boot refuses them so nobody runs with a published secret. */
const PLACEHOLDER_SECRET = /change[-_]?me|placeholder|example/i;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const problems: string[] = [];
  const read = <T>(name: string, parse: (raw: string | undefined) => T, fallback: T): T => {
    try {
      return parse(env[name]);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return fallback;
    }
  };

  const config: ApiConfig = {
    env: read('NODE_ENV', parseNodeEnv, 'development'),
    host: read('API_HOST', (raw) => nonEmpty(raw) ?? '127.0.0.1', '127.0.0.1'),
    port: read('API_PORT', (raw) => integer(raw, 4000, 0, 65535), 4000),
    database: read('DATABASE_URL', () => resolveDatabaseTarget(env), { url: '', embedded: true }),
    databasePoolSize: read('DATABASE_POOL_SIZE', (raw) => integer(raw, 10, 1, 200), 10),
    jwt: {
      secret: read('JWT_SECRET', parseSecret, new Uint8Array()),
      issuer: read('JWT_ISSUER', (raw) => nonEmpty(raw) ?? DEFAULT_ISSUER, ''),
      audience: read('JWT_AUDIENCE', (raw) => nonEmpty(raw) ?? DEFAULT_AUDIENCE, ''),
      clockToleranceSeconds: read('JWT_CLOCK_TOLERANCE_SECONDS', (raw) => integer(raw, 5, 0, 5), 5),
      maxTokenBytes: read('JWT_MAX_TOKEN_BYTES', (raw) => integer(raw, 4096, 256, 16384), 4096),
    },
    graphiql: read('GRAPHIQL', (raw) => boolean(raw, true), true),
  };

  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}\nSee .env.example.`);
  }
  return config;
}

function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value ? value : undefined;
}

function parseNodeEnv(raw: string | undefined): ApiConfig['env'] {
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

function integer(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = nonEmpty(raw);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(`must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

function boolean(raw: string | undefined, fallback: boolean): boolean {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`must be true or false, got "${value}"`);
}
