// Two people in two browsers (separate contexts: separate cookies and memory) see only their own.
import { expect, test } from './support/fixtures.ts';
import { addTask, newPerson, signIn, signUp, taskRow } from './support/users.ts';

test('two users in two browsers see only their own tasks', async ({ browser }) => {
  const ann = newPerson('Ann');
  const bob = newPerson('Bob');
  const annContext = await browser.newContext();
  const bobContext = await browser.newContext();
  const annPage = await annContext.newPage();
  const bobPage = await bobContext.newPage();

  await signUp(annPage, ann);
  await signUp(bobPage, bob);
  await addTask(annPage, 'Ann private plan');
  await addTask(bobPage, 'Bob private plan');

  await bobPage.reload();
  await annPage.reload();
  await expect(taskRow(annPage, 'Ann private plan')).toBeVisible();
  await expect(taskRow(bobPage, 'Bob private plan')).toBeVisible();
  await expect(annPage.getByText('Bob private plan')).toHaveCount(0);
  await expect(bobPage.getByText('Ann private plan')).toHaveCount(0);

  await bobPage.getByLabel('Search tasks').fill('Ann');
  await expect(bobPage.getByText(/no tasks match/i)).toBeVisible();

  await annContext.close();
  await bobContext.close();
});

test('signing out then in as someone else on the same browser keeps nothing of the first user', async ({ page }) => {
  const cleo = newPerson('Cleo');
  const dan = newPerson('Dan');
  await signUp(page, dan);
  await page.getByRole('button', { name: 'Sign out' }).click();

  await signUp(page, cleo);
  await addTask(page, 'Cleo diary entry');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('Cleo diary entry')).toHaveCount(0);

  // Signed out for real: the session cookie no longer gets a token.
  const token = await page.request.get('/api/auth/token');
  expect(token.status()).toBe(401);

  await signIn(page, dan);
  await expect(page.getByText('Cleo diary entry')).toHaveCount(0);
  await expect(page.getByText(cleo.email)).toHaveCount(0);
  await expect(page.getByText(/no tasks yet/i)).toBeVisible();
});
