// The main screens, as a person sees them. Written to docs/screenshots/ when SCREENSHOTS=1 (that is
// how the README's pictures are made), otherwise to the test output only.
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { serveGraphiql } from './support/api-control.ts';
import { expect, test } from './support/fixtures.ts';
import { addTask, newPerson, signUp } from './support/users.ts';

const directory = process.env.SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : '';

async function capture(page: Page, name: string) {
  const path = directory ? `${directory}${name}.png` : test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
}

// Back to the production default (GRAPHIQL unset: off) for whatever runs next.
test.afterEach(async ({ request }) => serveGraphiql(request, false));

test('main screens', async ({ page, context, request }) => {
  await serveGraphiql(request, true);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await capture(page, 'sign-in');

  await signUp(page, newPerson('Margaret'));
  await addTask(page, 'Review the launch checklist', 'Guidance computer, abort procedures');
  await addTask(page, 'Book the flight simulator');
  await addTask(page, 'Reply to the press office');
  await page.getByRole('checkbox', { name: 'Mark Book the flight simulator complete' }).check();
  await capture(page, 'tasks');

  await page.setViewportSize({ width: 390, height: 844 });
  await capture(page, 'tasks-mobile');
  await page.setViewportSize({ width: 1280, height: 860 });

  const [graphiql] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('complementary', { name: 'API access' }).getByRole('button', { name: 'Open GraphiQL' }).click(),
  ]);
  await graphiql.setViewportSize({ width: 1280, height: 860 });
  const run = graphiql.getByRole('button', { name: /execute query/i });
  await expect(run).toBeVisible({ timeout: 30_000 });
  await run.click();
  await expect(graphiql.getByText('Review the launch checklist').first()).toBeVisible({ timeout: 15_000 });
  await capture(graphiql, 'graphiql');
});
