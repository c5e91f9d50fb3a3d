// Dates for people: "in 14 minutes", "3 days ago", "11:02:33".

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** `at` relative to `now`, in the largest unit that fits ("in 3 minutes", "yesterday", "now"). */
export function formatRelative(at: number, now: number): string {
  const difference = at - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(difference) >= size || unit === 'second') return relative.format(Math.trunc(difference / size), unit);
  }
  return relative.format(0, 'second');
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatTimeOfDay(at: number): string {
  return timeOfDay.format(at);
}

export function formatDateTime(at: number): string {
  return dateAndTime.format(at);
}
