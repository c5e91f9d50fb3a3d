// The query builder's timestamp parsers read every text PostgreSQL sends as node-postgres' general
// parser does (the fast path and its fallbacks), and as the database itself means it, in time zones
// with odd offsets.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTimestampAsUtc, parseTimestampWithTimeZone, queryBuilderTypes } from '../src/timestamp-parsers.ts';
import { scratchDatabaseKind, stopScratchServers, withScratchDatabase } from './scratch-database.ts';

const generalParser = pg.types.getTypeParser(1184, 'text') as (value: string) => Date | number | null;

const asNumber = (parsed: Date | number | null) => (parsed instanceof Date ? parsed.getTime() : parsed);

/** A deterministic stream of pseudo-random integers (mulberry32), so a failure can be replayed. */
function randomIntegers(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return (((mixed ^ (mixed >>> 14)) >>> 0) % below) as number;
  };
}

const pad = (value: number, length: number) => String(value).padStart(length, '0');

describe('timestamptz text', () => {
  it('reads 20 000 generated timestamps as the general parser does', () => {
    const random = randomIntegers(20261205);
    for (let run = 0; run < 20_000; run += 1) {
      const date = `${pad(100 + random(9900), 4)}-${pad(1 + random(12), 2)}-${pad(1 + random(28), 2)} ${pad(random(24), 2)}:${pad(random(60), 2)}:${pad(random(60), 2)}`;
      const fraction = random(7) === 0 ? '' : `.${pad(random(1_000_000), 6).slice(0, 1 + random(6))}`;
      const hours = pad(random(15), 2);
      const offset = `${random(2) ? '+' : '-'}${hours}${random(3) === 0 ? `:${['00', '30', '45'][random(3)]}` : ''}`;
      const text = `${date}${fraction}${offset}`;
      expect(asNumber(parseTimestampWithTimeZone(text)), text).toBe(asNumber(generalParser(text)));
    }
  });

  it.each(['infinity', '-infinity', '0050-03-01 10:00:00+00', '2000-01-01 00:00:00+00 BC', '12026-01-01 00:00:00+00', '1890-01-01 00:00:00+00:19:32', '2026-12-05 15:06:12+0530', '2026-12-05T15:06:12Z'])(
    'hands %s to the general parser',
    (text) => {
      expect(asNumber(parseTimestampWithTimeZone(text))).toEqual(asNumber(generalParser(text)));
    },
  );
});

describe('timestamp text (stored in UTC)', () => {
  it.each([
    ['2026-12-05 15:06:12.123', '2026-12-05T15:06:12.123Z'],
    ['2026-12-05 15:06:12', '2026-12-05T15:06:12.000Z'],
    ['2026-12-05 15:06:12.5', '2026-12-05T15:06:12.500Z'],
    ['0050-03-01 10:00:00', '0050-03-01T10:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseTimestampAsUtc(text).toISOString()).toBe(iso);
  });
});

describe(`timestamps as ${scratchDatabaseKind} sends them`, { timeout: 60_000 }, () => {
  afterAll(stopScratchServers);

  it('are the instants the database means, in every session time zone', async () => {
    await withScratchDatabase(async (url) => {
      const client = new pg.Client({ connectionString: url, types: queryBuilderTypes });
      await client.connect();
      try {
        for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu', 'Europe/Amsterdam']) {
          await client.query(`SET TIME ZONE '${zone}'`);
          const { rows } = await client.query<{ at: Date | number; utc: Date; epoch: string }>(
            `SELECT at, at AT TIME ZONE 'UTC' AS utc, floor(extract(epoch FROM at) * 1000)::text AS epoch
               FROM unnest(ARRAY['2026-12-05 15:06:12.123456+00', '1999-12-31 23:59:59.9995+00', '1900-06-01 00:00:00+00',
                                 '1969-12-31 23:59:59.999+00', '2026-03-29 01:30:00+00', '0050-03-01 10:00:00+00']::timestamptz[]) AS at`,
          );
          for (const row of rows) {
            expect(asNumber(row.at), `${zone}: ${row.epoch}`).toBe(Number(row.epoch));
            expect(row.utc.getTime(), `${zone}: ${row.epoch} without time zone`).toBe(Number(row.epoch));
          }
        }
      } finally {
        await client.end();
      }
    });
  });
});
