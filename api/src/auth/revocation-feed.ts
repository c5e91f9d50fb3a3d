// Keeps this process's RevokedSessions in step with the revoked_session table, which the web tier
// writes when a session ends (docs/decisions/0011-live-updates-and-revocation.md):
//   1. at start, every unexpired row (a restarted process forgets nothing still alive);
//   2. then each new row as it is pushed: Redis pub/sub with REDIS_URL, otherwise PostgreSQL
//      LISTEN/NOTIFY (the migration's trigger NOTIFYs every insert);
//   3. whenever the push (re)connects, and whenever a message's `seq` shows one was missed, a catch-up
//      read of the rows after the last one seen, so nothing sent while it was away is lost;
//   4. while the push is down, the same read every POLL_INTERVAL_MS, logged at error level once per
//      outage: revocations still take effect within a second, only through the database;
//   5. a catch-up read every BACKSTOP_INTERVAL_MS even while the push is up, for a push that was sent
//      to nobody (a web replica that could not reach Redis while this process could).
// The embedded PGlite cannot deliver a NOTIFY to another connection (it has one backend session for all
// of them: the notification goes back to the connection that sent it), which a probe at start detects;
// there the read of step 4 simply runs all the time.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@taskgate/prisma/client';
import { REVOCATION_NOTIFY_CHANNEL, type RevocationMessage } from '@taskgate/shared/token-contract';
import type { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from '../observability/logger.ts';
import type { RevokedSessions } from './revoked-sessions.ts';

export const POLL_INTERVAL_MS = 500;
export const BACKSTOP_INTERVAL_MS = 30_000;
const RECONNECT_DELAY_MS = 1_000;
const PROBE_TIMEOUT_MS = 1_000;

export type RevocationPush =
  | { kind: 'redis'; subscriber: Redis; channel: string }
  | { kind: 'postgres'; url: string }
  | { kind: 'poll' };

export interface RevocationFeedOptions {
  /** The owner connection (not a request's row-level-security client). */
  prisma: PrismaClient;
  revoked: RevokedSessions;
  push: RevocationPush;
  logger: Logger;
}

export interface RevocationFeed {
  /** How revocations arrive right now: through the push, or by reading the table. */
  readonly mode: 'push' | 'polling';
  /** Resolves once the table has been read (and keeps retrying until it has). */
  readonly loaded: Promise<void>;
  close(): Promise<void>;
}

/** A source of pushed revocation messages. `onUp` runs each time it is (again) subscribed. */
interface PushChannel {
  start(handlers: { onUp(): void; onDown(error: unknown): void; onMessage(raw: string): void }): void;
  close(): Promise<void>;
}

export function startRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const { prisma, revoked, logger } = options;
  let lastSeq = 0n;
  let pushUp = false;
  let pushLost = false;
  let polling = options.push.kind === 'poll';
  let lastSyncAt = 0;
  let closed = false;
  let databaseFailing = false;

  const catchUp = serialized(async () => {
    const rows = await prisma.revokedSession.findMany({
      where: { seq: { gt: lastSeq } },
      select: { sessionId: true, keepUntil: true, seq: true },
      orderBy: { seq: 'asc' },
    });
    for (const row of rows) {
      revoked.add(row.sessionId, row.keepUntil.getTime());
      if (row.seq > lastSeq) lastSeq = row.seq;
    }
    lastSyncAt = Date.now();
    return rows.length;
  });

  const syncNow = () =>
    catchUp().then(
      (count) => {
        if (databaseFailing) logger.info('revocations: reading revoked_session again');
        databaseFailing = false;
        return count;
      },
      (error: unknown) => {
        if (!databaseFailing) logger.error({ err: error }, 'revocations: cannot read revoked_session; retrying');
        databaseFailing = true;
        return 0;
      },
    );

  const loadAtStart = async () => {
    for (;;) {
      try {
        // The highest seq first: rows inserted meanwhile are read again by the next catch-up.
        const { _max } = await prisma.revokedSession.aggregate({ _max: { seq: true } });
        const rows = await prisma.revokedSession.findMany({ where: { keepUntil: { gt: new Date() } }, select: { sessionId: true, keepUntil: true } });
        for (const row of rows) revoked.add(row.sessionId, row.keepUntil.getTime());
        lastSeq = _max.seq ?? 0n;
        lastSyncAt = Date.now();
        revoked.markLoaded();
        logger.debug({ revokedSessions: rows.length }, 'revocations: loaded');
        return;
      } catch (error) {
        if (closed) return;
        if (!databaseFailing) logger.error({ err: error }, 'revocations: cannot load revoked_session at start; retrying (this process answers 503 until then)');
        databaseFailing = true;
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
  };
  const loaded = loadAtStart();

  const onMessage = (raw: string) => {
    const message = parseMessage(raw);
    if (!message) return;
    revoked.add(message.sessionId, message.keepUntil);
    const seq = BigInt(message.seq);
    // seq values can also skip for an insert that rolled back: a needless catch-up, never a wrong one.
    if (seq > lastSeq + 1n) void loaded.then(syncNow);
    else if (seq > lastSeq) lastSeq = seq;
  };

  let channel: PushChannel | undefined;
  const connectPush = async () => {
    if (options.push.kind === 'poll') return;
    if (options.push.kind === 'postgres' && !(await notificationsReachAnotherConnection(options.push.url, prisma))) {
      polling = true;
      logger.warn(
        'revocations: PostgreSQL notifications do not reach another connection here (the embedded PGlite has one session for all connections); reading revoked_session every 500 ms instead',
      );
      return;
    }
    if (closed) return;
    channel = options.push.kind === 'redis' ? redisChannel(options.push.subscriber, options.push.channel) : postgresChannel(options.push.url);
    channel.start({
      onUp() {
        pushUp = true;
        if (pushLost) logger.info('revocations: push channel back; catching up from revoked_session');
        pushLost = false;
        // After the (re)subscription: anything revoked while it was away is in the table.
        void loaded.then(syncNow);
      },
      onDown(error) {
        if (!pushLost && !closed) {
          logger.error(
            { err: error },
            `revocations: push channel (${options.push.kind}) lost; reading revoked_session every ${POLL_INTERVAL_MS} ms until it is back`,
          );
        }
        pushUp = false;
        pushLost = true;
      },
      onMessage,
    });
  };
  void loaded.then(connectPush);

  // One timer: catch up while there is no push (or none can work here), and now and then regardless.
  const timer = setInterval(() => {
    if (!revoked.loaded) return;
    const pushWorking = !polling && pushUp;
    if (!pushWorking || Date.now() - lastSyncAt >= BACKSTOP_INTERVAL_MS) void syncNow();
  }, POLL_INTERVAL_MS);
  timer.unref();
  const pruning = setInterval(() => revoked.prune(), 60_000);
  pruning.unref();

  return {
    get mode() {
      return !polling && pushUp ? 'push' : 'polling';
    },
    loaded,
    async close() {
      closed = true;
      clearInterval(timer);
      clearInterval(pruning);
      await channel?.close();
    },
  };
}

function parseMessage(raw: string): RevocationMessage | undefined {
  try {
    const message = JSON.parse(raw) as Partial<RevocationMessage>;
    if (typeof message.sessionId !== 'string' || typeof message.keepUntil !== 'number' || typeof message.seq !== 'number') return undefined;
    return message as RevocationMessage;
  } catch {
    return undefined;
  }
}

/** Runs `task` one call at a time; a call made while one runs gets a fresh run after it. */
function serialized<T>(task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  return () => {
    if (!running) {
      running = task().finally(() => (running = undefined));
      return running;
    }
    queued ??= running.catch(() => undefined).then(() => {
      queued = undefined;
      running = task().finally(() => (running = undefined));
      return running;
    });
    return queued;
  };
}

/** The Redis channel the web tier publishes to; subscribed again (then `onUp`) after each reconnection. */
function redisChannel(subscriber: Redis, channel: string): PushChannel {
  return {
    start({ onUp, onDown, onMessage }) {
      subscriber.on('message', (from: string, message: string) => {
        if (from === channel) onMessage(message);
      });
      const subscribe = () => subscriber.subscribe(channel).then(onUp, onDown);
      subscriber.on('ready', subscribe);
      subscriber.on('close', () => onDown(new Error('connection closed')));
      if (subscriber.status === 'ready') void subscribe();
    },
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

/** A connection of its own that LISTENs to the migration trigger's NOTIFY; reconnects after a loss. */
function postgresChannel(url: string): PushChannel {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  return {
    start(handlers) {
      const connect = () => {
        if (closed) return;
        const current = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
        client = current;
        let down = false;
        const lost = (error: unknown) => {
          if (down) return;
          down = true;
          current.removeAllListeners('notification');
          void current.end().catch(() => undefined);
          handlers.onDown(error);
          if (!closed) retry = setTimeout(connect, RECONNECT_DELAY_MS);
        };
        current.on('error', lost);
        current.on('end', () => lost(new Error('connection ended')));
        current.on('notification', (notification) => {
          if (notification.channel === REVOCATION_NOTIFY_CHANNEL && notification.payload) handlers.onMessage(notification.payload);
        });
        current
          .connect()
          .then(() => current.query(`LISTEN ${REVOCATION_NOTIFY_CHANNEL}`))
          .then(() => handlers.onUp(), lost);
      };
      connect();
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

/**
 * Whether a NOTIFY sent on one connection reaches a LISTEN on another, as on any PostgreSQL server. On
 * the embedded PGlite it does not: its one backend session answers the notification to whichever
 * connection ran the NOTIFY.
 */
async function notificationsReachAnotherConnection(url: string, prisma: PrismaClient): Promise<boolean> {
  const listener = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  const channel = `taskgate_probe_${randomUUID().replaceAll('-', '')}`;
  // A connection lost during the probe is a failed probe (below), not an unhandled 'error' event.
  listener.on('error', () => undefined);
  try {
    await listener.connect();
    const received = new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      listener.on('notification', (notification) => {
        if (notification.channel !== channel) return;
        clearTimeout(timeout);
        resolve(true);
      });
    });
    await listener.query(`LISTEN ${channel}`);
    await prisma.$executeRaw`SELECT pg_notify(${channel}, 'probe')`;
    const works = await received;
    // PGlite's session is everyone's: leave no LISTEN behind in it.
    await listener.query('UNLISTEN *');
    return works;
  } catch {
    return false;
  } finally {
    await listener.end().catch(() => undefined);
  }
}
