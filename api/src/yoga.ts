// The API as a fetch handler: schema, plugins and context. Never listens — main.ts does, and tests
// call `api.fetch(...)` directly.
import { createYoga, useReadinessCheck, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { PrismaClient } from '@taskgate/prisma/client';
import { queryBuilderOf, type QueryBuilder } from '@taskgate/prisma/connect';
import { INSTANCE_HEADER } from '@taskgate/shared/instance-id';
import { useBearerAuthentication, type GraphQLContext } from './auth/context.ts';
import { RevokedSessions } from './auth/revoked-sessions.ts';
import { withVerificationCache } from './auth/verification-cache.ts';
import { createAccessTokenVerifier } from './auth/verify.ts';
import { DEFAULT_WEB_ORIGIN, type JwtSettings } from './config.ts';
import { useCompiledExecution } from './compiled-execution.ts';
import { CSRF_HEADER, useCsrfPrevention } from './csrf-prevention.ts';
import { requestDatabases } from './db.ts';
import { maskError } from './errors.ts';
import { renderGraphiQLPage } from './graphiql-page.ts';
import { useGraphiqlStatus } from './graphiql-status.ts';
import { MAX_REQUEST_BODY_BYTES, useGraphQLLimits } from './graphql-limits.ts';
import { createLogger, yogaLogger, type Logger } from './observability/logger.ts';
import { MaskedErrorLog } from './observability/masked-error-log.ts';
import { useRequestLog } from './observability/request-log.ts';
import { createTaskEventBus, type TaskEventBus } from './live/task-event-bus.ts';
import { SubscriptionStreams } from './live/subscription-streams.ts';
import { useRequestBodyLimit } from './request-body-limit.ts';
import { useRequestErrorCodes } from './request-error-codes.ts';
import { useRequestFormatChecks } from './request-format.ts';
import { useScopeCacheRelease } from './scope-cache-release.ts';
import { schema } from './schema/index.ts';

export const GRAPHQL_ENDPOINT = '/graphql';

export interface ApiOptions {
  prisma: PrismaClient;
  jwt: JwtSettings;
  graphiql: boolean;
  /** Structured logger (main.ts makes it from LOG_LEVEL); without one, `logging: false` silences it. */
  logger?: Logger;
  logging?: boolean;
  /** DATABASE_RLS: each request's queries run under row-level security as the caller. Default off. */
  rowLevelSecurity?: boolean;
  /** WEB_ORIGIN: the only origin whose pages may call the API (CORS). */
  webOrigin?: string;
  /** Named in every response's x-taskgate-instance header (main.ts passes INSTANCE_ID). */
  instanceId?: string;
  /** True while the process drains before stopping: /readyz then answers 503. */
  isDraining?: () => boolean;
  /**
   * The client /readyz pings the database with (default: `prisma`). main.ts gives it a connection of
   * its own: queued behind a busy pool, the check would time out and take a merely busy replica out.
   */
  readinessPrisma?: PrismaClient;
  /** Task events between mutations and `taskEvents` streams (serve.ts: Redis with REDIS_URL); default: this process only. */
  taskEvents?: TaskEventBus;
  /** Revoked sessions (serve.ts keeps them in step with the database); default: none, nothing to load. */
  revokedSessions?: RevokedSessions;
  /** This process's open subscription streams and their limits; default: a new set with the default limits. */
  subscriptionStreams?: SubscriptionStreams;
  /** The query builder for hot reads; default: the one over `prisma`'s own pool (createPrismaClient). */
  queryBuilder?: QueryBuilder;
  /** Compiled execution (graphql-jit, see compiled-execution.ts); default on. Off: graphql-js' executor for all. */
  compiledExecution?: boolean;
}

export type Api = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export function createApi(options: ApiOptions): Api {
  const { prisma } = options;
  const logger = options.logger ?? createLogger({ level: options.logging === false ? 'silent' : 'info' });
  const databaseFor = requestDatabases(prisma, options.queryBuilder ?? queryBuilderOf(prisma), options.rowLevelSecurity ?? false);
  const taskEvents = options.taskEvents ?? createTaskEventBus({ logger });
  const maskedErrors = new MaskedErrorLog(logger);
  const revokedSessions = options.revokedSessions ?? new RevokedSessions();
  const streams = options.subscriptionStreams ?? new SubscriptionStreams({ isRevoked: (sessionId) => revokedSessions.has(sessionId) });
  // A revoked session's open streams end at once, the way they end at exp.
  revokedSessions.onRevoked((sessionId) => streams.endSession(sessionId));
  const authentication = useBearerAuthentication({
    revokedSessions,
    // A client sends the same token until it expires: check its signature once, not per request.
    verify: withVerificationCache(createAccessTokenVerifier(options.jwt)),
    maxTokenBytes: options.jwt.maxTokenBytes,
  });

  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // Only the web app's origin may call from a browser; it sends a bearer token, never cookies.
    cors: {
      origin: [options.webOrigin ?? DEFAULT_WEB_ORIGIN],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', CSRF_HEADER],
      credentials: false,
      maxAge: 600,
    },
    // Limited by useRequestBodyLimit below, which counts only bodies sent without a Content-Length.
    maxRequestBodySize: false,
    // One operation per request: an array body is refused, so no request can multiply its own cost.
    batching: false,
    // The page is static HTML; every query it sends carries the token typed into its header editor.
    renderGraphiQL: renderGraphiQLPage,
    graphiql: options.graphiql
      ? {
          title: 'Taskgate API',
          headers: JSON.stringify({ Authorization: 'Bearer <paste your access token>' }, null, 2),
          // Sent with every request on top of the editable headers, so GET queries pass CSRF prevention too.
          additionalHeaders: { [CSRF_HEADER]: 'graphiql' },
          defaultQuery: '{\n  me {\n    id\n    email\n    tasks(first: 10) {\n      edges { node { id title completed } }\n    }\n  }\n}\n',
        }
      : false,
    maskedErrors: { maskError: maskedErrors.masking(maskError), isDev: false },
    logging: yogaLogger(logger, maskedErrors),
    // Built once per request from the identity the authentication plugin verified.
    context: ({ request }) => {
      const identity = authentication.identityOf(request);
      return { identity, ...databaseFor(identity?.userId ?? null), taskEvents };
    },
    plugins: [
      // First, so the request id and start time exist before any other plugin answers.
      useRequestLog({ logger, graphqlEndpoint: GRAPHQL_ENDPOINT, userIdOf: (request) => authentication.identityOf(request)?.userId, maskedErrors }),
      ...(options.instanceId ? [useInstanceHeader(options.instanceId)] : []),
      useReadinessCheck({
        endpoint: '/readyz',
        // Answer 503 without passing the database's error text to the caller.
        check: async () => {
          if (options.isDraining?.() || !revokedSessions.loaded) return false;
          try {
            await (options.readinessPrisma ?? prisma).$queryRaw`SELECT 1`;
            return true;
          } catch {
            return false;
          }
        },
      }),
      // Like /readyz, before the default deny: it says only whether the GraphiQL page above is served.
      useGraphiqlStatus(options.graphiql),
      authentication.plugin,
      // Counts, limits and ends subscription streams (at exp, on revocation, at shutdown).
      streams.plugin(),
      useCsrfPrevention(),
      // After CSRF prevention: a cross-site form post is refused as such before its format is judged.
      useRequestFormatChecks(),
      ...useGraphQLLimits(),
      ...(options.compiledExecution === false ? [] : [useCompiledExecution()]),
      useScopeCacheRelease(),
      useRequestErrorCodes(),
      // Last: it wraps whichever request parser the plugins before it chose.
      useRequestBodyLimit(MAX_REQUEST_BODY_BYTES),
    ],
  });
}

/** Every response names the process that answered (load-balanced replicas, cluster workers). */
function useInstanceHeader(instanceId: string): Plugin {
  return {
    onResponse({ response }) {
      response.headers.set(INSTANCE_HEADER, instanceId);
    },
  };
}
