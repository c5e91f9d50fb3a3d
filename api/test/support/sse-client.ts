// A GraphQL-over-SSE client for tests ("distinct connections" mode, as graphql-yoga serves it): POST the
// operation with Accept: text/event-stream, then read `next` / `complete` events and keep-alive comments
// off the response body as they arrive. Real HTTP (undici), so a test can also drop the connection.

export interface SsePayload {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The next `next` payload; rejects after `timeoutMs`, or if the stream completes first. */
  next(timeoutMs?: number): Promise<SsePayload>;
  /** Payloads received and not yet taken by next(). */
  readonly pending: SsePayload[];
  /** Resolves when the server sent `complete` and ended the response. */
  readonly completed: Promise<void>;
  readonly isCompleted: boolean;
  /** Keep-alive comments (`:`) received so far. */
  readonly keepAlives: number;
  /** Drops the connection, as a closed browser tab does. */
  close(): void;
}

export const TASK_EVENTS_SUBSCRIPTION = 'subscription { taskEvents { kind taskId task { id title completed } } }';

export interface SubscriptionRequest {
  token?: string | null;
  query?: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A subscription as graphql-sse's distinct-connections client sends it. */
function postSubscription(endpoint: string, options: SubscriptionRequest, signal?: AbortSignal): Promise<Response> {
  return fetch(endpoint, {
    method: 'POST',
    signal,
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query: options.query ?? TASK_EVENTS_SUBSCRIPTION, variables: options.variables }),
  });
}

export async function openSse(endpoint: string, options: SubscriptionRequest = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await postSubscription(endpoint, options, abort.signal);

  const pending: SsePayload[] = [];
  const waiters: { resolve: (payload: SsePayload) => void; reject: (error: Error) => void }[] = [];
  let keepAlives = 0;
  let isCompleted = false;
  let resolveCompleted!: () => void;
  const completed = new Promise<void>((resolve) => (resolveCompleted = resolve));

  const deliver = (payload: SsePayload) => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(payload);
    else pending.push(payload);
  };
  const finish = () => {
    if (isCompleted) return;
    isCompleted = true;
    for (const waiter of waiters.splice(0)) waiter.reject(new Error('the stream completed'));
    resolveCompleted();
  };

  const isStream = response.headers.get('content-type')?.includes('text/event-stream') && response.body;
  if (isStream) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) keepAlives += 1;
              else if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trim());
            }
            if (event === 'next') deliver(JSON.parse(data.join('\n')) as SsePayload);
            if (event === 'complete') finish();
          }
        }
      } catch {
        // aborted by close()
      }
      finish();
    })();
  } else {
    finish();
  }

  return {
    status: response.status,
    headers: response.headers,
    pending,
    completed,
    get isCompleted() {
      return isCompleted;
    },
    get keepAlives() {
      return keepAlives;
    },
    next(timeoutMs = 5_000) {
      const ready = pending.shift();
      if (ready) return Promise.resolve(ready);
      if (isCompleted) return Promise.reject(new Error('the stream completed'));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no event within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = {
          resolve: (payload: SsePayload) => {
            clearTimeout(timer);
            resolve(payload);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        waiters.push(waiter);
      });
    },
    close() {
      abort.abort();
    },
  };
}

/** Reads the body of a response that was refused before any stream opened (401, 429, …). */
export async function refusalOf(endpoint: string, options: SubscriptionRequest = {}): Promise<{ status: number; headers: Headers; body: string }> {
  const response = await postSubscription(endpoint, options);
  return { status: response.status, headers: response.headers, body: await response.text() };
}
