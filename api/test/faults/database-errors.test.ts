// isDatabaseUnavailable on the error shapes Prisma 7 + adapter-pg actually produce (captured from a
// cut connection, a refused one, a hung one and a terminated backend), and on errors that must stay
// 500s: the 503 mapping must not swallow bugs.
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Prisma } from '@taskgate/prisma/client';
import { isDatabaseUnavailable } from '../../src/database-errors.ts';
import { maskError } from '../../src/errors.ts';

const clientVersion = '7.10.0';
const known = (code: string, message: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion, meta });
// node-postgres' code-less errors, as Prisma rethrows them (it only adds clientVersion).
const nodePostgres = (message: string) => Object.assign(new Error(message), { clientVersion });
const inResolver = (original: Error) => new GraphQLError(original.message, { originalError: original, path: ['tasks'] });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['pooled connection cut', nodePostgres('Connection terminated unexpectedly')],
    ['new connection hung past connectionTimeoutMillis', nodePostgres('Connection terminated due to connection timeout')],
    ['pool exhausted (pg-pool)', nodePostgres('timeout exceeded when trying to connect')],
    ['connection refused (P1001)', known('P1001', "Can't reach database server at 127.0.0.1:5432")],
    ['server closed the connection (P1017)', known('P1017', 'Server has closed the connection.')],
    ['no transaction could start in time (P2028)', known('P2028', 'Transaction API error: Unable to start a transaction in the given time.')],
    [
      'backend terminated by an administrator (57P01)',
      known('P2039', 'Database error. Code: `57P01`.', { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P01' } } }),
    ],
    ['the database is starting up (57P03)', known('P2010', 'Raw query failed. Code: `57P03`.', { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P03' } } })],
    ['Prisma client could not initialise', new Prisma.PrismaClientInitializationError("Can't reach database server", clientVersion)],
  ])('recognises %s, also inside a GraphQLError', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(inResolver(error))).toBe(true);
  });

  it.each([
    ['a bug', new Error('Cannot read properties of undefined')],
    ['a unique violation (P2002)', known('P2002', 'Unique constraint failed')],
    ['a record not found (P2025)', known('P2025', 'No record was found')],
    ['another transaction error (P2028)', known('P2028', 'Transaction API error: Transaction already closed')],
    ['a syntax error in SQL (42601)', known('P2010', 'Raw query failed. Code: `42601`.', { driverAdapterError: { cause: { kind: 'postgres', originalCode: '42601' } } })],
    ['a message that merely mentions a connection', new Error('User input: Connection terminated unexpectedly is my task title')],
    ['our own error', new GraphQLError('Task not found', { extensions: { code: 'NOT_FOUND' } })],
    ['our own error quoting a client', new GraphQLError('Connection terminated unexpectedly', { extensions: { code: 'BAD_USER_INPUT' } })],
  ])('does not take %s for an outage', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('maskError', () => {
  it('turns an outage into SERVICE_UNAVAILABLE with HTTP 503 and no driver text', () => {
    const masked = maskError(inResolver(known('P1001', "Can't reach database server at 10.0.0.5:5432")), 'Unexpected error.') as GraphQLError;
    expect(masked.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', http: { status: 503 } });
    expect(masked.path).toEqual(['tasks']);
    expect(masked.message).not.toMatch(/10\.0\.0\.5|reach|database server/);
  });

  it('still turns a bug into INTERNAL_SERVER_ERROR', () => {
    const masked = maskError(inResolver(new Error('boom')), 'Unexpected error.') as GraphQLError;
    expect(masked.extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(masked.message).toBe('Unexpected error.');
  });
});
