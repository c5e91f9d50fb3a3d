// Live updates in real tabs: changes made in one tab show in the person's other tabs within 2 s and
// without a reload, never in another person's browser; a sign-out in one tab signs the others out.
import { expect, test } from './support/fixtures.ts';
import { expectNotReloaded, LIVE, markDocument, openTab, signUpWithStream } from './support/live.ts';
import { addTask, newPerson, taskRow } from './support/users.ts';

test('two tabs of one person see each other\'s creates, edits and deletes within 2 s, without a reload', async ({ page, context }) => {
  const lena = newPerson('Lena');
  await signUpWithStream(page, lena);
  const other = await openTab(context, lena);
  await markDocument(page);
  await markDocument(other);

  await addTask(page, 'Made in the first tab');
  await expect(taskRow(other, 'Made in the first tab')).toBeVisible(LIVE);
  await addTask(other, 'Made in the second tab', 'with a description');
  await expect(taskRow(page, 'Made in the second tab')).toBeVisible(LIVE);
  await expect(taskRow(page, 'with a description')).toBeVisible(LIVE);

  await page.getByRole('button', { name: 'Edit Made in the second tab' }).click();
  const editor = page.getByRole('form', { name: 'Edit task' });
  await editor.getByLabel('Title').fill('Edited in the first tab');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(taskRow(other, 'Edited in the first tab')).toBeVisible(LIVE);
  await expect(taskRow(other, 'Made in the second tab')).toHaveCount(0);

  // A filtered list: the task leaves "Active" in the other tab when it is completed here, and comes back.
  await other.getByRole('button', { name: 'Active' }).click();
  await expect(taskRow(other, 'Made in the first tab')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Mark Made in the first tab complete' }).check();
  await expect(taskRow(other, 'Made in the first tab')).toHaveCount(0, LIVE);
  await page.getByRole('checkbox', { name: 'Mark Made in the first tab complete' }).uncheck();
  await expect(taskRow(other, 'Made in the first tab')).toBeVisible(LIVE);
  await other.getByRole('button', { name: 'All' }).click();

  await other.getByRole('button', { name: 'Delete Edited in the first tab' }).click();
  await expect(taskRow(page, 'Edited in the first tab')).toHaveCount(0, LIVE);

  // Each tab also got the events of its own writes: still listed once.
  await expect(taskRow(page, 'Made in the first tab')).toHaveCount(1);
  await expect(taskRow(other, 'Made in the first tab')).toHaveCount(1);
  await expectNotReloaded(page);
  await expectNotReloaded(other);
});

test('another person\'s browser sees none of those changes', async ({ page, context, browser }) => {
  const mia = newPerson('Mia');
  const noah = newPerson('Noah');
  const noahContext = await browser.newContext();
  const noahPage = await noahContext.newPage();
  try {
    await signUpWithStream(page, mia);
    const miaOther = await openTab(context, mia);
    await signUpWithStream(noahPage, noah);
    await addTask(noahPage, 'Noah own task');

    await addTask(page, 'Mia secret');
    await page.getByRole('checkbox', { name: 'Mark Mia secret complete' }).check();
    await page.getByRole('button', { name: 'Edit Mia secret' }).click();
    await page.getByRole('form', { name: 'Edit task' }).getByLabel('Title').fill('Mia secret, edited');
    await page.getByRole('form', { name: 'Edit task' }).getByRole('button', { name: 'Save' }).click();
    await addTask(page, 'Mia doomed');
    await page.getByRole('button', { name: 'Delete Mia doomed' }).click();

    // Delivered: Mia's other tab has every change by now...
    await expect(taskRow(miaOther, 'Mia secret, edited')).toBeVisible(LIVE);
    await expect(miaOther.getByRole('checkbox', { name: 'Mark Mia secret, edited complete' })).toBeChecked(LIVE);
    await expect(taskRow(miaOther, 'Mia doomed')).toHaveCount(0, LIVE);
    // ...and Noah's page none of them, his own task untouched.
    await expect(noahPage.getByText(/Mia/)).toHaveCount(0);
    await expect(taskRow(noahPage, 'Noah own task')).toHaveCount(1);
  } finally {
    await noahContext.close();
  }
});

test('signing out in one tab signs the other tab out within 2 s', async ({ page, context, consoleGuard }) => {
  // The other tab may ask for a token before it learns the session is gone.
  consoleGuard.allow(/status of 401/);
  const olga = newPerson('Olga');
  await signUpWithStream(page, olga);
  const other = await openTab(context, olga);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText(/session has ended/i)).toHaveCount(0);
  await expect(other.getByText('Your session has ended, please sign in again')).toBeVisible(LIVE);
  await expect(other.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(other.getByText(olga.email)).toHaveCount(0);
});

test('the revoked stream alone signs the other tab out within 2 s, with Better Auth\'s cross-tab message held back', async ({ page, context, consoleGuard }) => {
  consoleGuard.allow(/status of 401/);
  const pia = newPerson('Pia');
  await signUpWithStream(page, pia);
  // Better Auth tells other tabs of a sign-out through a localStorage `storage` event: this tab never hears it.
  const other = await openTab(context, pia, (tab) =>
    tab.addInitScript(() => window.addEventListener('storage', (event) => event.stopImmediatePropagation(), true)),
  );
  const auth: string[] = [];
  other.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path === '/api/auth/token' || path === '/api/auth/get-session') auth.push(`${path} ${response.status()}`);
  });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(other.getByText('Your session has ended, please sign in again')).toBeVisible(LIVE);
  // It learned from its stream: the API ended it as revoked, and the token refresh that followed found
  // no session, before any session check of Better Auth's.
  expect(auth[0]).toBe('/api/auth/token 401');
});
