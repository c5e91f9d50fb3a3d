// The API as a fetch handler: schema, plugins and context. Never listens — main.ts does, and tests
// call `api.fetch(...)` directly.
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { PrismaClient } from '@taskgate/prisma/client';
import { useBearerAuthentication, type GraphQLContext } from './auth/context.ts';
import { createAccessTokenVerifier } from './auth/verify.ts';
import type { JwtSettings } from './config.ts';
import { maskError } from './errors.ts';
import { renderGraphiQLPage } from './graphiql-page.ts';
import { schema } from './schema/index.ts';

export const GRAPHQL_ENDPOINT = '/graphql';

export interface ApiOptions {
  prisma: PrismaClient;
  jwt: JwtSettings;
  graphiql: boolean;
  logging?: boolean;
}

export type Api = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

export function createApi(options: ApiOptions): Api {
  const { prisma } = options;
  const authentication = useBearerAuthentication({
    verify: createAccessTokenVerifier(options.jwt),
    maxTokenBytes: options.jwt.maxTokenBytes,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
  });

  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // The page is static HTML; every query it sends carries the token typed into its header editor.
    renderGraphiQL: renderGraphiQLPage,
    graphiql: options.graphiql
      ? {
          title: 'Taskgate API',
          headers: JSON.stringify({ Authorization: 'Bearer <paste your access token>' }, null, 2),
          defaultQuery: '{\n  me {\n    id\n    email\n    tasks(first: 10) {\n      edges { node { id title completed } }\n    }\n  }\n}\n',
        }
      : false,
    maskedErrors: { maskError, isDev: false },
    logging: options.logging ?? true,
    // Built once per request from the identity the authentication plugin verified.
    context: ({ request }) => ({ identity: authentication.identityOf(request), prisma }),
    plugins: [
      useReadinessCheck({
        endpoint: '/readyz',
        // Answer 503 without passing the database's error text to the caller.
        check: async () => {
          try {
            await prisma.$queryRaw`SELECT 1`;
            return true;
          } catch {
            return false;
          }
        },
      }),
      authentication.plugin,
    ],
  });
}
