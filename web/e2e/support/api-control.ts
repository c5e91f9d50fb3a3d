// What a test may change about the running API through the control port (serve-system.ts).
import { expect, type APIRequestContext } from '@playwright/test';
import { controlUrl } from './environment.ts';

/** Serves the API's GraphiQL page or not, as GRAPHIQL=true/false would, without rebuilding the SPA. */
export async function serveGraphiql(request: APIRequestContext, on: boolean): Promise<void> {
  expect((await request.post(`${controlUrl}/api/graphiql/${on ? 'on' : 'off'}`)).status()).toBe(204);
}
