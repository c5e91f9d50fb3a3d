// Every environment variable the API reads, parsed and validated once at boot. Anything wrong stops
// the process with a message naming the variable; nothing else in the API reads process.env.
import { resolveDatabaseTarget, type DatabaseTarget } from '@taskgate/prisma/database';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './auth/token-contract.ts';
import { boolean, envReader, integer, nonEmpty, parseNodeEnv, parseSecret, type NodeEnv } from './env-parsing.ts';

export { ConfigError } from './env-parsing.ts';

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
  env: NodeEnv;
  host: string;
  port: number;
  database: DatabaseTarget;
  databasePoolSize: number;
  jwt: JwtSettings;
  graphiql: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const { read, done } = envReader(env);

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

  done();
  return config;
}
