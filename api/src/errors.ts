// The few domain errors the API answers with. Each carries a stable `extensions.code`; clients and
// tests depend on these codes, never on messages.
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';
import { isDatabaseUnavailable } from './database-errors.ts';

export type ErrorCode =
  | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'SERVICE_UNAVAILABLE'
  | 'TOO_MANY_SUBSCRIPTIONS' | 'SUBSCRIPTION_CAPACITY_REACHED';

export function unauthenticated(message = 'Authentication required'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message = 'Not allowed'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** Also used for rows that exist but belong to someone else: the two must be indistinguishable. */
export function notFound(what: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND' } });
}

/** `field` is the argument path, e.g. "input.title", so a UI can show the message next to it. */
export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}

/** SUBSCRIPTIONS_PER_USER: this user already has that many streams open on this API process. */
export function tooManySubscriptions(limit: number): GraphQLError {
  return new GraphQLError(`Too many open subscriptions: at most ${limit} per user; close one (another tab or device) first`, {
    extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit, http: { status: 429 } },
  });
}

/** MAX_SUBSCRIPTIONS reached on this API process (or it is stopping): another replica may have room. */
export function subscriptionCapacityReached(): GraphQLError {
  return new GraphQLError('This server cannot open more subscriptions right now, please retry shortly', {
    extensions: { code: 'SUBSCRIPTION_CAPACITY_REACHED', http: { status: 503, headers: { 'retry-after': '5' } } },
  });
}

/**
 * Yoga's error mask. Our GraphQLErrors pass through; Pothos' argument validation (bad global id,
 * bad cursor) is the client's mistake, so BAD_USER_INPUT; anything else — Prisma, SQL, bugs — becomes
 * Yoga's generic INTERNAL_SERVER_ERROR. Never in "dev" mode: no stack or original message leaves.
 * A database that cannot be reached is not a bug but a passing condition: SERVICE_UNAVAILABLE, 503.
 */
export function maskError(error: unknown, message: string): Error {
  if (isDatabaseUnavailable(error)) {
    return new GraphQLError('The service is temporarily unavailable, please retry shortly', {
      ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
      extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '5' } } },
    });
  }
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original instanceof PothosValidationError && error instanceof GraphQLError) {
    // Pothos names the argument in its message ('Argument "first" must be …'); expose it as `field`.
    const field = /^Arguments? "(\w+)"/.exec(original.message)?.[1];
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
    });
  }
  return yogaMaskError(error, message, false);
}
