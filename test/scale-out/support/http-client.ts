// HTTP as one browser would speak it to the load balancer: a cookie jar, and a chosen source address
// on the loopback network (127.0.0.2, 127.0.0.3, ...), which is the "client IP" the balancer appends
// to X-Forwarded-For. node:http rather than fetch: fetch cannot pick the source address.
import { request } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Which replica answered (x-taskgate-instance). */
  instance: string | undefined;
  json<T = any>(): T;
}

export interface HttpClientOptions {
  origin: string;
  /** Source address of every connection; default 127.0.0.1. */
  localAddress?: string;
}

export class HttpClient {
  readonly cookies = new Map<string, string>();
  constructor(private readonly options: HttpClientOptions) {}

  get(path: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.send('GET', path, undefined, headers);
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.send('POST', path, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<HttpResponse> {
    const url = new URL(path, this.options.origin);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method,
          localAddress: this.options.localAddress,
          // Better Auth checks the Origin of state-changing requests against its public URL.
          headers: { origin: this.options.origin, ...(cookie ? { cookie } : {}), ...headers },
          agent: false,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            for (const line of incoming.headers['set-cookie'] ?? []) this.remember(line);
            const text = Buffer.concat(chunks).toString('utf8');
            const instance = incoming.headers['x-taskgate-instance'];
            resolve({
              status: incoming.statusCode ?? 0,
              headers: incoming.headers,
              text,
              instance: Array.isArray(instance) ? instance[0] : instance,
              json: () => JSON.parse(text),
            });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  private remember(setCookie: string): void {
    const [pair, ...attributes] = setCookie.split(';');
    const separator = pair?.indexOf('=') ?? -1;
    if (!pair || separator < 1) return;
    const name = pair.slice(0, separator).trim();
    const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
    if (expired) this.cookies.delete(name);
    else this.cookies.set(name, pair.slice(separator + 1).trim());
  }
}
