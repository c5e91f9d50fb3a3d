// One person's whole task life cycle through the UI, with a reload to prove it was stored.
import { expect, test } from './support/fixtures.ts';
import { addTask, newPerson, signUp, taskRow } from './support/users.ts';

test('sign up → create → reload persists → edit → toggle → filter → delete', async ({ page }) => {
  const ada = newPerson('Ada');
  await signUp(page, ada);
  await expect(page.getByText(/no tasks yet/i)).toBeVisible();

  await addTask(page, 'Write the report', 'Quarterly numbers');
  await addTask(page, 'Water the plants');

  await page.reload();
  await expect(taskRow(page, 'Write the report')).toBeVisible();
  await expect(taskRow(page, 'Water the plants')).toBeVisible();

  await page.getByRole('button', { name: 'Edit Write the report' }).click();
  const editor = page.getByRole('form', { name: 'Edit task' });
  await editor.getByLabel('Title').fill('Write the annual report');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(taskRow(page, 'Write the annual report')).toBeVisible();

  const checkbox = page.getByRole('checkbox', { name: 'Mark Water the plants complete' });
  await checkbox.check();
  await expect(checkbox).toBeChecked();
  await page.getByRole('button', { name: 'Completed' }).click();
  await expect(taskRow(page, 'Water the plants')).toBeVisible();
  await expect(taskRow(page, 'Write the annual report')).toHaveCount(0);
  await page.getByRole('button', { name: 'Active' }).click();
  await expect(taskRow(page, 'Write the annual report')).toBeVisible();
  await expect(taskRow(page, 'Water the plants')).toHaveCount(0);
  await page.getByRole('button', { name: 'All' }).click();

  await page.getByLabel('Search tasks').fill('annual');
  await expect(taskRow(page, 'Water the plants')).toHaveCount(0);
  await expect(taskRow(page, 'Write the annual report')).toBeVisible();
  await page.getByLabel('Search tasks').fill('');

  await page.getByRole('button', { name: 'Delete Write the annual report' }).click();
  await expect(taskRow(page, 'Write the annual report')).toHaveCount(0);
  await page.reload();
  await expect(taskRow(page, 'Water the plants')).toBeVisible();
  await expect(taskRow(page, 'Write the annual report')).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: 'Mark Water the plants complete' })).toBeChecked();
});

test('a title the API refuses shows its message next to the Title field', async ({ page }) => {
  await signUp(page, newPerson('Grace'));
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill('x'.repeat(201));
  await form.getByRole('button', { name: 'Add task' }).click();
  const title = form.getByLabel('Title');
  await expect(title).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText(/at most 200 characters/)).toBeVisible();
});

test('load more pages through a long list', async ({ page }) => {
  await signUp(page, newPerson('Linus'));
  // Seed through the UI's own API with the page's token would be faster; 22 real adds keep it honest.
  for (let i = 1; i <= 22; i++) await addTask(page, `Chore ${String(i).padStart(2, '0')}`);
  await page.reload();
  await expect(page.getByRole('listitem')).toHaveCount(20);
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(page.getByRole('listitem')).toHaveCount(22);
  await expect(taskRow(page, 'Chore 01')).toBeVisible();
});
