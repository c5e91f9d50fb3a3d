// Signing up and in through the real UI, with addresses unique to each run.
import { expect, type Page } from '@playwright/test';

export interface Person {
  name: string;
  email: string;
  password: string;
}

export function newPerson(name: string): Person {
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  return { name, email: `${name.toLowerCase()}-${unique}@example.test`, password: `correct horse ${unique}` };
}

export async function signUp(page: Page, person: Person): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expectSignedInAs(page, person);
}

export async function signIn(page: Page, person: Person): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectSignedInAs(page, person);
}

export async function expectSignedInAs(page: Page, person: Person): Promise<void> {
  await expect(page.getByText(person.email)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your tasks' })).toBeVisible();
}

export async function addTask(page: Page, title: string, description?: string): Promise<void> {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(title);
  if (description) await form.getByLabel('Description').fill(description);
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(taskRow(page, title)).toBeVisible();
}

export function taskRow(page: Page, title: string) {
  return page.getByRole('listitem').filter({ has: page.getByText(title, { exact: true }) });
}
