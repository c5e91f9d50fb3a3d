// The API behind a real node:http server on a free loopback port, as main.ts serves it (in-process).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api } from '../../src/yoga.ts';
import { GRAPHQL_ENDPOINT } from '../../src/yoga.ts';

export interface ListeningApi {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The GraphQL endpoint's URL. */
  endpoint: string;
  close(): Promise<void>;
}

export async function listen(api: Api): Promise<ListeningApi> {
  const server = createServer(api);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    endpoint: `${origin}${GRAPHQL_ENDPOINT}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
