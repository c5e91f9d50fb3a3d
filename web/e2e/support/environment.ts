// Settings shared by the e2e system process and the Playwright config.
export const e2ePorts = {
  web: Number(process.env.E2E_WEB_PORT ?? 3100),
  api: Number(process.env.E2E_API_PORT ?? 4100),
  control: Number(process.env.E2E_CONTROL_PORT ?? 4199),
};

export const webOrigin = `http://127.0.0.1:${e2ePorts.web}`;
export const controlUrl = `http://127.0.0.1:${e2ePorts.control}`;

/** Short-lived tokens so a test can watch one expire and be refreshed without the user noticing. */
export const E2E_TOKEN_LIFETIME_SECONDS = 20;

export const e2eEnvironment = {
  NODE_ENV: 'production',
  JWT_SECRET: 'e2e-only-jwt-secret-0123456789abcdefghijklmnopqrstuvwxyz',
  BETTER_AUTH_SECRET: 'e2e-only-better-auth-secret-0123456789abcdefghijklmnop',
  JWT_ISSUER: 'taskgate-web',
  JWT_AUDIENCE: 'taskgate-api',
  JWT_EXPIRES_IN: `${E2E_TOKEN_LIFETIME_SECONDS}s`,
  BETTER_AUTH_URL: webOrigin,
  // The API's CORS lets only the SPA's origin call it.
  WEB_ORIGIN: webOrigin,
  API_URL: `http://127.0.0.1:${e2ePorts.api}/graphql`,
  // The dedicated 429 test lives in web/test/server; here many sign-ups come from one address.
  AUTH_RATE_LIMIT: 'false',
  // GRAPHIQL is left unset, as in a plain production run: off. Tests that need it switch the running
  // API over through the control port (api-control.ts).
} as const;
