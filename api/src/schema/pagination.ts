// Page-size rules shared by every connection. Pothos would silently clamp out-of-range sizes;
// clients asking for 0 or 1000 rows get a BAD_USER_INPUT naming the argument instead.
import { badUserInput } from '../errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function assertPageSize(args: { first?: number | null; last?: number | null }): void {
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value !== null && value !== undefined && (value < 1 || value > MAX_PAGE_SIZE)) {
      throw badUserInput(name, `must be between 1 and ${MAX_PAGE_SIZE}`);
    }
  }
}
