// The "API access" panel: the token's expiry, and GraphiQL opened as the signed-in person.
import { expect, test } from './support/fixtures.ts';
import { newPerson, signUp } from './support/users.ts';

test('Open GraphiQL runs queries as the signed-in person, and the token leaves the address bar', async ({ page, context }) => {
  const ida = newPerson('Ida');
  await signUp(page, ida);
  const panel = page.getByRole('complementary', { name: 'API access' });
  await expect(panel.getByText(/expires/i).first()).toBeVisible();

  const [graphiql] = await Promise.all([context.waitForEvent('page'), panel.getByRole('button', { name: 'Open GraphiQL' }).click()]);
  await graphiql.waitForLoadState('domcontentloaded');
  await expect.poll(() => new URL(graphiql.url()).hash).toBe('');

  const run = graphiql.getByRole('button', { name: /execute query/i });
  await expect(run).toBeVisible({ timeout: 30_000 });
  await run.click();
  await expect(graphiql.getByText(ida.email).first()).toBeVisible({ timeout: 15_000 });
});
