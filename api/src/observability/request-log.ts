// One structured log line per request: request id, user id (never the token), operation, duration
// and outcome. A Yoga plugin; list it first so its onRequest runs before authentication does.
import { randomUUID } from 'node:crypto';
import { getOperationAST, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Logger } from './logger.ts';
import type { MaskedErrorLog } from './masked-error-log.ts';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller's id is kept only if it is short and plain: no spaces, quotes or control characters.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's x-request-id when it is a plausible id, otherwise a new UUID. */
export function requestIdFor(request: Request): string {
  const incoming = request.headers.get(REQUEST_ID_HEADER);
  return incoming !== null && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

interface RequestRecord {
  readonly requestId: string;
  readonly startedAt: number;
  operationName?: string;
  operationType?: string;
  /** `extensions.code` of each error in the response, when Yoga produced the response from a result. */
  errorCodes?: string[];
}

export interface RequestLogOptions {
  logger: Logger;
  graphqlEndpoint: string;
  /** The verified caller of a request, if any (the authentication plugin knows it). */
  userIdOf(request: Request): string | undefined;
  /** The originals of the errors Yoga masked, written here with the request id. */
  maskedErrors?: MaskedErrorLog;
}

export function useRequestLog(options: RequestLogOptions): Plugin {
  const { logger } = options;
  const records = new WeakMap<Request, RequestRecord>();

  const recordFor = (request: Request): RequestRecord => {
    let record = records.get(request);
    if (!record) {
      record = { requestId: requestIdFor(request), startedAt: performance.now() };
      records.set(request, record);
    }
    return record;
  };

  return {
    onRequest({ request }) {
      recordFor(request);
    },
    onParams({ request, params }) {
      if (params.operationName) recordFor(request).operationName = params.operationName;
    },
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      const record = recordFor(args.contextValue.request);
      record.operationName ??= operation?.name?.value;
      record.operationType = operation?.operation;
    },
    onResultProcess({ request, result }) {
      if (isAsyncIterable(result)) return;
      const results: ExecutionResult[] = Array.isArray(result) ? result : [result];
      const record = recordFor(request);
      const errors = results.flatMap((one) => one.errors ?? []);
      record.errorCodes = errors.map(codeOf);
      options.maskedErrors?.writeFor(errors, record.requestId);
    },
    async onResponse({ request, response }) {
      const record = recordFor(request);
      response.headers.set(REQUEST_ID_HEADER, record.requestId);
      const path = new URL(request.url).pathname;
      const isGraphQL = path === options.graphqlEndpoint || path === `${options.graphqlEndpoint}/`;
      const level = response.status >= 500 ? 'error' : isGraphQL ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;

      // Responses that never went through Yoga's result processing (401 from authentication, 503
      // from the readiness check): their codes are in the small JSON body they were built with.
      const errorCodes = record.errorCodes ?? (response.status >= 400 ? await errorCodesInBody(response) : []);
      logger[level](
        {
          requestId: record.requestId,
          method: request.method,
          path,
          userId: options.userIdOf(request),
          operationName: record.operationName,
          operationType: record.operationType,
          status: response.status,
          outcome: response.status < 400 && errorCodes.length === 0 ? 'ok' : 'error',
          ...(errorCodes.length > 0 ? { errorCodes } : {}),
          durationMs: Math.round((performance.now() - record.startedAt) * 100) / 100,
        },
        'request completed',
      );
    },
  };
}

function codeOf(error: { extensions?: Record<string, unknown> }): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

async function errorCodesInBody(response: Response): Promise<string[]> {
  if (!response.headers.get('content-type')?.includes('json')) return [];
  try {
    const body = (await response.clone().json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    return Array.isArray(body.errors) ? body.errors.map(codeOf) : [];
  } catch {
    return [];
  }
}
