// How both tiers' HTTP servers run behind a load balancer and stop without failing a request.
//
// On SIGTERM (or SIGINT) a replica first *drains*: /readyz answers 503 and every response closes its
// connection, for SHUTDOWN_DELAY, while requests are still served, so the balancer's health checks
// take the replica out of rotation before it stops accepting. Then it stops listening, finishes the
// requests in flight, runs `onClosed` (release the database pool) and exits 0; a stuck shutdown exits 1.
// Responses that never end by themselves (the API's Server-Sent Events streams) are ended by
// `onClosing` when the listener closes, and their connections close behind them.
//
// Idle keep-alive connections outlive any balancer's own idle timeout (HAProxy: seconds, ALB: 60 s),
// so the balancer, not this server, closes them: it never sends a request on a connection this
// server has just closed (the classic keep-alive race that fails a POST no balancer may retry).
import type { Server, ServerResponse } from 'node:http';
import { SlotSet } from './slot-set.ts';

export interface HttpLifecycleOptions {
  /** Seconds between the stop signal and closing the listener, while /readyz reports 503. */
  shutdownDelaySeconds: number;
  /** Releases what the server used (database pool, Redis); awaited before exit 0. */
  onClosed: () => Promise<void>;
  /**
   * Called when the listener closes (after the drain delay): ends responses that would otherwise stay
   * open for good, such as event streams, so the server can finish. Clients reconnect elsewhere.
   */
  onClosing?: () => void;
  /** After the delay, how long in-flight requests may take before the process exits 1. */
  forceExitAfterMs?: number;
}

export interface HttpLifecycle {
  /** True from the stop signal on: readiness checks must then fail. */
  readonly draining: boolean;
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function manageHttpLifecycle(server: Server, options: HttpLifecycleOptions): HttpLifecycle {
  let draining = false;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Must exceed the keep-alive timeout, or Node may cut a connection that is waiting for its next request.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  // Responses still being prepared; at shutdown they are told to close their connection.
  // Not a Set: one member per request would keep every response since the first full collection alive
  // through the young generation's collections (slot-set.ts).
  const inFlight = new SlotSet<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    if (draining) response.setHeader('connection', 'close');
    response.once('close', inFlight.add(response));
  });

  const close = () => {
    options.onClosing?.();
    server.close(() => {
      options.onClosed().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    server.closeIdleConnections();
    // Node would keep their keep-alive connections open and delay close(). A response already under
    // way (a stream ended by onClosing) cannot say so in a header: its connection is closed after it.
    for (const response of inFlight) {
      if (!response.headersSent) response.setHeader('connection', 'close');
      else response.once('finish', () => response.socket?.end());
    }
    setTimeout(() => process.exit(1), options.forceExitAfterMs ?? 10_000).unref();
  };

  const stop = () => {
    if (draining) return;
    draining = true;
    if (options.shutdownDelaySeconds > 0) setTimeout(close, options.shutdownDelaySeconds * 1000);
    else close();
  };
  // `on`, not `once`: a second signal (Ctrl-C reaches the whole process group) must not kill mid-drain.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  return {
    get draining() {
      return draining;
    },
  };
}
