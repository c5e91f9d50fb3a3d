// The session around the task list: wrong passwords, silent token refresh, the API going away.
import { E2E_TOKEN_LIFETIME_SECONDS, controlUrl } from './support/environment.ts';
import { expect, test } from './support/fixtures.ts';
import { addTask, newPerson, signUp, taskRow } from './support/users.ts';

test('a wrong password says so without revealing whether the email exists', async ({ page, consoleGuard }) => {
  consoleGuard.allow(/status of 401/);
  const eve = newPerson('Eve');
  await signUp(page, eve);
  await page.getByRole('button', { name: 'Sign out' }).click();

  const attempt = async (email: string) => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('definitely not it');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await expect(alert).toHaveText('Invalid email or password');
    return alert.textContent();
  };
  const knownEmail = await attempt(eve.email);
  const unknownEmail = await attempt(newPerson('Nobody').email);
  expect(unknownEmail).toBe(knownEmail);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});

test('an expiring access token is refreshed without the user noticing', async ({ page }) => {
  const tokenFetches: number[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/auth/token') && response.status() === 200) tokenFetches.push(Date.now());
  });
  await signUp(page, newPerson('Frances'));
  await addTask(page, 'Before expiry');

  // Outlive the first token (E2E_TOKEN_LIFETIME_SECONDS) and then some.
  await page.waitForTimeout((E2E_TOKEN_LIFETIME_SECONDS + 5) * 1000);
  await addTask(page, 'After expiry');
  await page.getByRole('checkbox', { name: 'Mark Before expiry complete' }).check();
  await expect(page.getByRole('checkbox', { name: 'Mark Before expiry complete' })).toBeChecked();

  await expect(page.getByRole('button', { name: 'Sign in' })).toHaveCount(0);
  await expect(page.getByText(/session has ended/i)).toHaveCount(0);
  expect(tokenFetches.length).toBeGreaterThanOrEqual(2);
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Mark Before expiry complete' })).toBeChecked();
});

test('with the API down the list shows a recoverable error, and Retry works once it is back', async ({ page, request, consoleGuard }) => {
  consoleGuard.allow(/ERR_CONNECTION_REFUSED|Failed to fetch|Failed to load resource/);
  await signUp(page, newPerson('Hedy'));
  await addTask(page, 'Survives an outage');

  expect((await request.post(`${controlUrl}/api/stop`)).status()).toBe(204);
  try {
    await page.reload();
    const failure = page.getByRole('alert').filter({ hasText: /could not load your tasks/i });
    await expect(failure).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  } finally {
    expect((await request.post(`${controlUrl}/api/start`)).status()).toBe(204);
  }
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(taskRow(page, 'Survives an outage')).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: /could not/i })).toHaveCount(0);
});
