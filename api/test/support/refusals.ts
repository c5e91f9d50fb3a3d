// Assertions the hostile suite shares: how a refused request must look from the outside.
import { expect } from 'vitest';

export interface ErrorBody {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** HTTP 401, code UNAUTHENTICATED, RFC 6750's challenge, no data, nothing of the server's insides. */
export async function expectUnauthenticated(response: Response): Promise<string> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  const body = (await response.json()) as ErrorBody;
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(JSON.stringify(body)).not.toMatch(/stack|at \w+ \(/);
  return body.errors![0]!.message;
}

/** The exact status and `extensions.code` of a refused request, no data; returns the message. */
export async function expectRefused(response: Response, status: number, code: string): Promise<string> {
  const body = (await response.json()) as ErrorBody;
  expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({ status, code });
  expect(body.data ?? null).toBeNull();
  return body.errors![0]!.message;
}
