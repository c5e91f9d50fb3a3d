// Validation and normalisation of what clients send about tasks. Limits match the database columns
// (varchar(200), varchar(2000)) so a valid input can never fail in SQL.
import { badUserInput } from '../errors.ts';

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 2000;
export const SEARCH_MAX = 200;

/** PostgreSQL counts characters (code points), not UTF-16 units. */
const characters = (value: string) => Array.from(value).length;

function text(field: string, value: string, max: number): string {
  // PostgreSQL text cannot hold U+0000; refuse it here rather than fail in SQL.
  if (value.includes('\u0000')) throw badUserInput(field, 'must not contain NUL characters');
  if (characters(value) > max) throw badUserInput(field, `must be at most ${max} characters`);
  return value;
}

export function parseTitle(field: string, value: string): string {
  const title = text(field, value.trim(), TITLE_MAX);
  if (title.length === 0) throw badUserInput(field, 'must not be empty');
  return title;
}

/** Blank descriptions are stored as null: "no description". */
export function parseDescription(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const description = text(field, value.trim(), DESCRIPTION_MAX);
  return description.length === 0 ? null : description;
}

export function parseSearch(field: string, value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const search = text(field, value.trim(), SEARCH_MAX);
  return search.length === 0 ? undefined : search;
}
