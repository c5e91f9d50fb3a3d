// Tabs with their taskEvents stream open, for the live-update specs.
import { expect, type BrowserContext, type Page, type Response } from '@playwright/test';
import { expectSignedInAs, signUp, type Person } from './users.ts';

/** How soon a change must show in another tab. */
export const LIVE = { timeout: 2_000 };

/** Resolves when `page` has a taskEvents stream open (the API answered the SSE request). */
export function streamOpened(page: Page, timeout = 15_000): Promise<Response> {
  return page.waitForResponse(
    (response) => response.request().headers()['accept'] === 'text/event-stream' && response.status() === 200,
    { timeout },
  );
}

export async function signUpWithStream(page: Page, person: Person): Promise<void> {
  const stream = streamOpened(page);
  await signUp(page, person);
  await stream;
}

/** Another tab of the same browser (same cookies): signed in already, its own stream open. */
export async function openTab(context: BrowserContext, person: Person, prepare?: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await context.newPage();
  await prepare?.(page);
  const stream = streamOpened(page);
  await page.goto('/');
  await expectSignedInAs(page, person);
  await stream;
  return page;
}

/** Marks the document, so that the mark still being there later proves the page was never reloaded. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => document.documentElement.setAttribute('data-not-reloaded', ''));
}

export async function expectNotReloaded(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.hasAttribute('data-not-reloaded'))).toBe(true);
}
