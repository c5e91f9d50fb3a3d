// Which address identifies a client to Better Auth (rate-limit buckets, session records).
// Better Auth 1.7 reads the client IP only from request headers (advanced.ipAddress.ipAddressHeaders,
// default X-Forwarded-For, which any client can forge) and a fetch Request carries no socket address.
// So the server decides the address here, writes it into CLIENT_IP_HEADER after discarding any value a
// client sent under that name, and Better Auth is told to read that header and nothing else.
import { isIP } from 'node:net';

export const CLIENT_IP_HEADER = 'x-taskgate-client-ip';

/**
 * The socket's peer address; with `trustProxy`, the last X-Forwarded-For hop instead: the address our
 * one reverse proxy saw and appended, the only entry a client cannot choose.
 */
export function resolveClientIp(request: Request, socketAddress: string | undefined, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const lastHop = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (lastHop && isIP(lastHop)) return lastHop;
  }
  return socketAddress && isIP(socketAddress) ? socketAddress : undefined;
}

/** A copy of `request` whose CLIENT_IP_HEADER is `ip` (or absent), never what the client sent. */
export function withClientIp(request: Request, ip: string | undefined): Request {
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_IP_HEADER);
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  return new Request(request, { headers });
}
