// Mints access tokens the way the web tier will: HS256 with the shared secret. Tests bend single
// claims or headers to prove each one is checked.
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { SharedSecretJwtSettings } from '../../src/config.ts';

export const TEST_SECRET = 'test-only-secret-with-more-than-32-bytes-of-entropy-0123456789';

export const testJwtSettings: SharedSecretJwtSettings = {
  secret: new TextEncoder().encode(TEST_SECRET),
  issuer: 'taskgate-web-test',
  audience: 'taskgate-api-test',
  clockToleranceSeconds: 5,
  maxTokenBytes: 4096,
};

export interface MintOptions {
  /** Claims merged over the defaults; a claim set to undefined is left out. */
  claims?: Record<string, unknown>;
  alg?: string;
  key?: Uint8Array;
  header?: Record<string, unknown>;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function mintToken(userId: string, options: MintOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    sub: userId,
    sid: randomUUID(),
    iss: testJwtSettings.issuer,
    aud: testJwtSettings.audience,
    iat: nowSeconds(),
    exp: nowSeconds() + 15 * 60,
    ...options.claims,
  };
  const payload = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined)) as JWTPayload;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT', ...options.header })
    .sign(options.key ?? testJwtSettings.secret);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none` and friends) built by hand: jose refuses to create one. */
export function unsignedToken(userId: string, alg: string): string {
  const payload = { sub: userId, sid: randomUUID(), iss: testJwtSettings.issuer, aud: testJwtSettings.audience, exp: nowSeconds() + 900 };
  return `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}.`;
}

/** Replaces the payload of a signed token, keeping its header and signature. */
export function withTamperedPayload(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${base64url({ ...claims, ...changes })}.${signature}`;
}
