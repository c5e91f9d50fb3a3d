// A test web server that really listens (127.0.0.1, a free port), so the API fetches the JWKS over
// HTTP as in production. It counts the JWKS requests it receives, and can simulate a JWKS outage
// (503 for /api/auth/jwks) or stop listening altogether.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { JWKS_PATH } from '@taskgate/shared/token-contract';
import type { WebApp } from '../../server/app.ts';

export interface ListeningWebApp {
  /** JWT_JWKS_URL for an API that should trust this web tier. */
  jwksUrl: string;
  /** GET /api/auth/jwks requests received so far (answered or not). */
  jwksRequests(): number;
  /** While false, /api/auth/jwks answers 503, as a web tier that is failing would. */
  setJwksAvailable(available: boolean): void;
  /** Stops listening: connections are refused from now on. */
  close(): Promise<void>;
}

export async function listen(app: WebApp): Promise<ListeningWebApp> {
  let jwksRequests = 0;
  let jwksAvailable = true;
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve(
      {
        hostname: '127.0.0.1',
        port: 0,
        // The API under test runs in this process: leave its global Request/Response alone.
        overrideGlobalObjects: false,
        fetch: (request, bindings) => {
          if (new URL(request.url).pathname === JWKS_PATH) {
            jwksRequests += 1;
            if (!jwksAvailable) return new Response('unavailable', { status: 503 });
          }
          return app.fetch(asGlobalRequest(request), bindings);
        },
      },
      () => resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;

  return {
    jwksUrl: `http://127.0.0.1:${port}${JWKS_PATH}`,
    jwksRequests: () => jwksRequests,
    setJwksAvailable(available) {
      jwksAvailable = available;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // jose's fetches use keep-alive connections; drop them so the port really stops answering.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/**
 * With overrideGlobalObjects off, @hono/node-server hands over its own lightweight Request, which
 * undici's `new Request(request, init)` (web/server/client-ip.ts) does not accept: rebuild a global one.
 */
function asGlobalRequest(request: Request): Request {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return new Request(request.url, { method: request.method, headers: request.headers, ...(hasBody ? { body: request.body, duplex: 'half' } : {}) });
}
