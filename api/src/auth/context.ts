// Request → context. The only place that reads the Authorization header. A Yoga plugin verifies the
// bearer token in `onRequest`, before the body is parsed or the operation executed, and answers 401
// itself on any failure; the context factory then reads the identity stored for that request.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { PrismaClient } from '@taskgate/prisma/client';
import type { ReadAsCaller } from '../db.ts';
import type { TaskEventBus } from '../live/task-event-bus.ts';
import type { RevokedSessions } from './revoked-sessions.ts';
import { failureMessages, type AccessTokenVerifier, type Identity, type VerificationResult } from './verify.ts';

export interface GraphQLContext {
  /** The verified caller. Null only when the schema is executed outside the HTTP server (schema tests). */
  readonly identity: Identity | null;
  readonly prisma: PrismaClient;
  /** Reads with the query builder as this caller (row-level security applies when it is on). */
  readonly readAsCaller: ReadAsCaller;
  /** Where mutations announce committed task changes and `taskEvents` streams listen. */
  readonly taskEvents: TaskEventBus;
}

// RFC 6750 §2.1 b64token; the scheme name is case-insensitive (RFC 7235 §2.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function readBearerToken(request: Request): string | null {
  const header = request.headers.get('authorization');
  if (header === null) return null;
  const match = BEARER.exec(header.trim());
  return match?.[1] ?? '';
}

export function unauthenticatedResponse(message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }), {
    status: 401,
    headers: {
      'content-type': 'application/graphql-response+json; charset=utf-8',
      // RFC 6750 §3: tells the client to obtain a new token.
      'www-authenticate': 'Bearer error="invalid_token"',
      'cache-control': 'no-store',
    },
  });
}

/** 503 while this process has not yet read which sessions are revoked (just after start). */
function revocationsNotLoadedResponse(): Response {
  const message = 'The service is starting, please retry shortly';
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] }), {
    status: 503,
    headers: { 'content-type': 'application/graphql-response+json; charset=utf-8', 'retry-after': '1', 'cache-control': 'no-store' },
  });
}

export function useBearerAuthentication(options: {
  verify: AccessTokenVerifier;
  maxTokenBytes: number;
  /** Sessions ended before their tokens' exp (sign-out, revocation): checked in memory on every request. */
  revokedSessions: RevokedSessions;
}): { plugin: Plugin; identityOf(request: Request): Identity | null } {
  const identities = new WeakMap<Request, Identity>();

  const authenticate = async (request: Request): Promise<VerificationResult> => {
    const header = request.headers.get('authorization');
    // Refuse oversized headers before any regex or base64 work.
    if (header !== null && header.length > options.maxTokenBytes + 16) {
      return { ok: false, reason: 'too_large', message: failureMessages.too_large };
    }
    const token = readBearerToken(request);
    if (token === null) return { ok: false, reason: 'missing', message: failureMessages.missing };
    if (token === '') return { ok: false, reason: 'invalid', message: 'Authorization header must be "Bearer <access token>"' };
    const result = await options.verify(token);
    // After the signature check, and after the verification cache too: a cached token is refused as
    // soon as its session is revoked. A Map lookup; no database or network call.
    if (result.ok && options.revokedSessions.has(result.identity.sessionId)) {
      return { ok: false, reason: 'revoked', message: failureMessages.revoked };
    }
    return result;
  };

  const plugin: Plugin = {
    async onRequest({ request, endResponse }) {
      // Default deny: every request that reaches this hook needs a valid token, whatever its path.
      // Only /healthz, /readyz, /graphiql-status, CORS preflights and GraphiQL's HTML page are answered before it.
      // Matching the endpoint's path here would not do: Yoga serves GraphQL at any URL that ends
      // with the endpoint (`/x/graphql`, `/?/graphql`: use-unhandled-route.js checks
      // `request.url.endsWith(graphqlEndpoint)`), so those would answer introspection unauthenticated.
      // A process that has not read the revoked sessions yet cannot tell which tokens still hold.
      if (!options.revokedSessions.loaded) return endResponse(revocationsNotLoadedResponse());
      const result = await authenticate(request);
      if (result.ok) identities.set(request, result.identity);
      else endResponse(unauthenticatedResponse(result.message));
    },
  };
  return { plugin, identityOf: (request) => identities.get(request) ?? null };
}

/** The caller's user id; resolvers run only behind the `loggedIn` scope, so a null identity is a bug. */
export function callerId(context: GraphQLContext): string {
  if (!context.identity) {
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
  return context.identity.userId;
}
