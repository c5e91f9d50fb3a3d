// The Better Auth client: sign-up, sign-in, sign-out and the session live on the web server at
// /api/auth on this same origin (the session is an HttpOnly cookie the SPA never sees); the jwt
// client plugin adds `token()`, which trades that session for a short-lived API access token.
import { jwtClient } from 'better-auth/client/plugins';
import { createAuthClient } from 'better-auth/react';
import { SessionEndedError, type FetchAccessToken } from './access-token';

export const authClient = createAuthClient({
  // Explicit, so nothing depends on Better Auth guessing the base URL from build-time variables.
  baseURL: window.location.origin,
  basePath: '/api/auth',
  plugins: [jwtClient()],
});

export type SessionUser = typeof authClient.$Infer.Session.user;

/** GET /api/auth/token. A 401 means the session is gone; anything else is a (retryable) failure. */
export const fetchAccessToken: FetchAccessToken = async () => {
  const { data, error } = await authClient.token();
  if (error) {
    if (error.status === 401) throw new SessionEndedError('The session has ended');
    throw new Error(`Could not get an access token (HTTP ${error.status || 'error'})`);
  }
  if (!data?.token) throw new Error('The token endpoint answered without a token');
  return data.token;
};

/** What a failed Better Auth call tells the UI: the HTTP status (0 when nothing answered) and the error code. */
export interface AuthFailure {
  status: number;
  code?: string | undefined;
}

/** Runs a Better Auth client call; null on success. Network failures become status 0 instead of throwing. */
export async function authRequest(
  call: () => Promise<{ error: { status: number; code?: string | undefined } | null }>,
): Promise<AuthFailure | null> {
  try {
    const { error } = await call();
    return error ? { status: error.status, code: error.code } : null;
  } catch {
    return { status: 0 };
  }
}
