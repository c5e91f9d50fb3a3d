// A taskEvents stream that ends is reopened: after the API cut it (a replica stopping) the tab refetches
// what it missed, and at its token's expiry it reopens with a fresh token, unnoticed. Needs the e2e
// system's control port and short-lived tokens, so it is not part of the scale-out run.
import { E2E_TOKEN_LIFETIME_SECONDS, controlUrl } from './support/environment.ts';
import { expect, test } from './support/fixtures.ts';
import { LIVE, openTab, signUpWithStream, streamOpened } from './support/live.ts';
import { addTask, newPerson, taskRow } from './support/users.ts';

test('after a stream is cut, the tab reopens it and refetches what it missed', async ({ page, context, request, consoleGuard }) => {
  consoleGuard.allow(/ERR_FAILED|Failed to load resource/);
  const quinn = newPerson('Quinn');
  await signUpWithStream(page, quinn);
  const other = await openTab(context, quinn);

  // The first tab's attempts to reopen fail until the route is lifted.
  await page.route('**/graphql', (route) =>
    route.request().headers()['accept'] === 'text/event-stream' ? route.abort() : route.continue(),
  );
  const otherReopened = streamOpened(other);
  // As when an API replica stops: every open stream completes.
  expect((await request.post(`${controlUrl}/api/streams/end`)).status()).toBe(204);
  await otherReopened;

  await addTask(other, 'Written while the first tab was cut off');
  await expect(taskRow(page, 'Written while the first tab was cut off')).toHaveCount(0);

  const reopened = streamOpened(page);
  await page.unroute('**/graphql');
  await reopened;
  // Not replayed by the API: the list was fetched again.
  await expect(taskRow(page, 'Written while the first tab was cut off')).toBeVisible(LIVE);
  // And live again.
  await addTask(other, 'After the reconnect');
  await expect(taskRow(page, 'After the reconnect')).toBeVisible(LIVE);
});

test('a stream that ends with its token is reopened with a fresh one, unnoticed', async ({ page, context }) => {
  const rosa = newPerson('Rosa');
  await signUpWithStream(page, rosa);
  const other = await openTab(context, rosa);

  // Outlive the token both streams were opened with (E2E_TOKEN_LIFETIME_SECONDS): the API ends them.
  const reopenedWithin = (E2E_TOKEN_LIFETIME_SECONDS + 15) * 1000;
  await Promise.all([streamOpened(page, reopenedWithin), streamOpened(other, reopenedWithin)]);

  await addTask(page, 'After the first token expired');
  await expect(taskRow(other, 'After the first token expired')).toBeVisible(LIVE);
  await expect(page.getByText(/session has ended/i)).toHaveCount(0);
  await expect(other.getByText(/session has ended/i)).toHaveCount(0);
});
