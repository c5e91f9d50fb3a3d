// The ceiling: a bare graphql-yoga server answering `{ hello }` — no auth, no database, no logging —
// on the same machine, run the same way as the API (its own process, node:http).
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
  logging: false,
  graphiql: false,
  landingPage: false,
  healthCheckEndpoint: '/healthz',
});

const server = createServer(yoga).listen(Number(process.env.BENCH_PORT), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
