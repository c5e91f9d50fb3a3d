// The "API access" panel: the token's expiry, GraphiQL opened as the signed-in person where the API
// serves it, and a curl command that works whether it does or not.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { serveGraphiql } from './support/api-control.ts';
import { controlUrl } from './support/environment.ts';
import { expect, test } from './support/fixtures.ts';
import { newPerson, signUp } from './support/users.ts';

const execFileAsync = promisify(execFile);
const apiAccess = (page: Page) => page.getByRole('complementary', { name: 'API access' });

// Back to the production default (GRAPHIQL unset: off) for whatever runs next.
test.afterEach(async ({ request }) => serveGraphiql(request, false));

test('Open GraphiQL runs queries as the signed-in person, and the token leaves the address bar', async ({ page, context, request }) => {
  await serveGraphiql(request, true);
  const ida = newPerson('Ida');
  await signUp(page, ida);
  const panel = apiAccess(page);
  await expect(panel.getByText(/expires/i).first()).toBeVisible();

  const [graphiql] = await Promise.all([context.waitForEvent('page'), panel.getByRole('button', { name: 'Open GraphiQL' }).click()]);
  await graphiql.waitForLoadState('domcontentloaded');
  await expect.poll(() => new URL(graphiql.url()).hash).toBe('');

  const run = graphiql.getByRole('button', { name: /execute query/i });
  await expect(run).toBeVisible({ timeout: 30_000 });
  await run.click();
  await expect(graphiql.getByText(ida.email).first()).toBeVisible({ timeout: 15_000 });
});

test('with GraphiQL off (production default) there is no GraphiQL button, and the copied curl command returns my own me', async ({ page, context, request }) => {
  await serveGraphiql(request, false);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const ivo = newPerson('Ivo');
  await signUp(page, ivo);
  const panel = apiAccess(page);
  await expect(panel.getByText('GraphiQL is turned off on this API.', { exact: false })).toBeVisible();
  await expect(panel.getByText('GRAPHIQL=true')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Open GraphiQL' })).toHaveCount(0);

  await panel.getByRole('button', { name: 'Copy curl command' }).click();
  await expect(panel.getByRole('status')).toHaveText(/^Command copied to the clipboard\. Its token expires at /);
  const command = await page.evaluate(() => navigator.clipboard.readText());
  const token = /Authorization: Bearer ([\w.-]+)'/.exec(command)?.[1] ?? '';
  expect(token.split('.')).toHaveLength(3);
  // On screen the command shows only the token's first characters; nowhere is it shown in full.
  await expect(panel.locator('pre')).toContainText(`Bearer ${token.slice(0, 10)}…'`);
  expect(await page.locator('body').innerText()).not.toContain(token);

  const { stdout } = await execFileAsync('/bin/sh', ['-c', command]).catch((error: unknown) => {
    throw new Error(`The copied command failed (is curl installed? apt-get install -y curl): ${String(error)}`);
  });
  const session = (await (await page.request.get('/api/auth/get-session')).json()) as { user: { id: string } };
  // `id` is the Relay global id of the signed-in user: base64 of "User:<user id>".
  const myGlobalId = Buffer.from(`User:${session.user.id}`).toString('base64');
  expect(JSON.parse(stdout)).toEqual({ data: { me: { id: myGlobalId, email: ivo.email } } });
});

test('switching GraphiQL on the running API shows or hides the button at the next visit, with the same SPA build', async ({ page, request }) => {
  await serveGraphiql(request, false);
  await signUp(page, newPerson('Kit'));
  const openGraphiql = apiAccess(page).getByRole('button', { name: 'Open GraphiQL' });
  await expect(apiAccess(page).getByText(/GraphiQL is turned off/)).toBeVisible();
  await expect(openGraphiql).toHaveCount(0);

  await serveGraphiql(request, true);
  await page.reload();
  await expect(openGraphiql).toBeVisible();
  await expect(apiAccess(page).getByText(/GraphiQL is turned off/)).toHaveCount(0);

  await serveGraphiql(request, false);
  await page.reload();
  await expect(apiAccess(page).getByText(/GraphiQL is turned off/)).toBeVisible();
  await expect(openGraphiql).toHaveCount(0);
});

test('with the API down the panel says it could not find out, and Check again works once it is back', async ({ page, request, consoleGuard }) => {
  consoleGuard.allow(/ERR_CONNECTION_REFUSED|Failed to fetch|Failed to load resource/);
  await signUp(page, newPerson('Lou'));
  const panel = apiAccess(page);
  expect((await request.post(`${controlUrl}/api/stop`)).status()).toBe(204);
  try {
    await page.reload();
    await expect(panel.getByText('Could not reach the API to find out whether it serves GraphiQL.')).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Open GraphiQL' })).toHaveCount(0);
    await expect(panel.getByRole('button', { name: 'Copy curl command' })).toBeVisible();
  } finally {
    expect((await request.post(`${controlUrl}/api/start`)).status()).toBe(204);
  }
  await panel.getByRole('button', { name: 'Check again' }).click();
  await expect(panel.getByText(/GraphiQL is turned off on this API/)).toBeVisible();
});
