// Text-format timestamp parsers for the query builder's reads (connect.ts). A tasks page carries four
// timestamps per row, and node-postgres' general parser (postgres-date: regular expressions, then
// Date.UTC) was the largest single cost of reading one (docs/decisions/0012-lean-hot-reads.md). These
// read the one shape PostgreSQL sends with DateStyle ISO, digit by digit, and hand anything else
// (infinity, BC, years before 100 or after 9999, offsets with seconds) to the general parser.
import pg from 'pg';

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;
const TIMESTAMP_WITH_TIME_ZONE = 1184;

const DASH = 45;
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const PLUS = 43;

/** The general parser node-postgres uses for `timestamptz`. */
const parseTimestampWithTimeZoneSlowly = pg.types.getTypeParser(TIMESTAMP_WITH_TIME_ZONE, 'text') as (value: string) => Date | number | null;

/**
 * Milliseconds since the epoch of "YYYY-MM-DD HH:MM:SS[.ffffff]" read as UTC, followed at
 * `end` (returned through `next`) by whatever the column type adds; NaN where the text is not that.
 */
function readUtcMilliseconds(value: string, next: { end: number }): number {
  if (value.length < 19 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH || value.charCodeAt(10) !== SPACE || value.charCodeAt(13) !== COLON || value.charCodeAt(16) !== COLON) return NaN;
  const year = digits(value, 0, 4);
  // Date.UTC reads years 0-99 as 1900-1999: leave them to the general parser.
  if (year < 100) return NaN;
  let milliseconds = Date.UTC(year, digits(value, 5, 2) - 1, digits(value, 8, 2), digits(value, 11, 2), digits(value, 14, 2), digits(value, 17, 2));
  let index = 19;
  if (value.charCodeAt(index) === DOT) {
    // Up to microseconds; a Date keeps whole milliseconds (as the general parser's Date does).
    let fraction = 0;
    let scale = 100;
    for (index += 1; index < value.length; index += 1) {
      const digit = value.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) break;
      fraction += digit * scale;
      scale /= 10;
    }
    milliseconds += Math.floor(fraction);
  }
  next.end = index;
  return milliseconds;
}

/** The non-negative integer written in `length` decimal digits at `start`; NaN if any is not a digit. */
function digits(value: string, start: number, length: number): number {
  let result = 0;
  for (let index = start; index < start + length; index += 1) {
    const digit = value.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return NaN;
    result = result * 10 + digit;
  }
  return result;
}

// Where readUtcMilliseconds stopped; one object for all calls, since a parser runs to completion before the
// next. Finding the end in a pass of its own instead measured 20-40 % slower per value.
const position = { end: 0 };

/** `timestamptz`: "2026-12-05 15:06:12.123+00", "+05:30", "-08". */
export function parseTimestampWithTimeZone(value: string): Date | number | null {
  const utc = readUtcMilliseconds(value, position);
  const sign = value.charCodeAt(position.end);
  const offsetStart = position.end + 1;
  const rest = value.length - offsetStart;
  if (Number.isNaN(utc) || (sign !== PLUS && sign !== DASH) || (rest !== 2 && !(rest === 5 && value.charCodeAt(offsetStart + 2) === COLON))) return parseTimestampWithTimeZoneSlowly(value);
  const offsetMinutes = digits(value, offsetStart, 2) * 60 + (rest === 5 ? digits(value, offsetStart + 3, 2) : 0);
  if (Number.isNaN(offsetMinutes)) return parseTimestampWithTimeZoneSlowly(value);
  return new Date(utc - (sign === PLUS ? offsetMinutes : -offsetMinutes) * 60_000);
}

/**
 * `timestamp` (Prisma's `timestamp(3)`, Better Auth's tables): Prisma stores them in UTC and its
 * driver adapter reads them so; node-postgres' default would read them in the process's time zone.
 */
export function parseTimestampAsUtc(value: string): Date {
  const utc = readUtcMilliseconds(value, position);
  if (!Number.isNaN(utc) && position.end === value.length) return new Date(utc);
  return new Date(`${value.replace(' ', 'T')}Z`);
}

/** node-postgres' type parsers with these two in place, for the query builder's pool. */
export const queryBuilderTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === TIMESTAMP_WITHOUT_TIME_ZONE) return parseTimestampAsUtc;
    if (format !== 'binary' && oid === TIMESTAMP_WITH_TIME_ZONE) return parseTimestampWithTimeZone;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
