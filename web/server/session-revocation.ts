// When a Better Auth session ends (sign-out, the revoke-session(s) endpoints, a password change that
// revokes the others, a deleted user), its access tokens must stop working before their exp. The API
// verifies tokens without asking anyone, so it is told: this records the session's id in the table
// revoked_session (whose trigger NOTIFYs the API processes that listen through PostgreSQL) and, with
// REDIS_URL, publishes it on the Redis channel the API processes of a scaled deployment subscribe to.
// The token contract (shared/src/token-contract.ts) names the table, the channels and the message;
// docs/decisions/0011-live-updates-and-revocation.md says why it is built this way.
import type { PrismaClient } from '@taskgate/prisma/client';
import { REVOCATION_REDIS_CHANNEL, revocationKeepUntil, type RevocationMessage } from '@taskgate/shared/token-contract';
import type { Redis } from 'ioredis';

export interface SessionRevocationOptions {
  /** JWT_EXPIRES_IN: the longest a token of the session can still live. */
  tokenLifetimeSeconds: number;
  /** REDIS_URL's client, and REDIS_KEY_PREFIX: where to publish. Without it the NOTIFY alone announces it. */
  redis?: Redis | undefined;
  redisKeyPrefix: string;
}

export type RevokeSession = (session: { id: string; userId: string }) => Promise<void>;

/** Expired rows are deleted now and then, by whichever web process revokes a session. */
const CLEANUP_EVERY_MS = 10 * 60_000;

export function createSessionRevocation(prisma: PrismaClient, options: SessionRevocationOptions): RevokeSession {
  const channel = `${options.redisKeyPrefix}${REVOCATION_REDIS_CHANNEL}`;
  let nextCleanupAt = 0;
  return async function revokeSession(session) {
    const revokedAt = new Date();
    const keepUntil = revocationKeepUntil(revokedAt, options.tokenLifetimeSeconds);
    // Durable first: API processes that miss the push read it here (and at start). A session ended twice
    // (two sign-outs racing) keeps its first row.
    const inserted = await prisma.$queryRaw<{ seq: bigint }[]>`
      INSERT INTO revoked_session ("sessionId", "userId", "revokedAt", "keepUntil")
      VALUES (${session.id}, ${session.userId}, ${revokedAt}, ${keepUntil})
      ON CONFLICT ("sessionId") DO NOTHING
      RETURNING seq`;
    const seq = inserted[0]?.seq;
    if (seq !== undefined && options.redis) {
      const message: RevocationMessage = { sessionId: session.id, keepUntil: keepUntil.getTime(), seq: Number(seq) };
      await options.redis.publish(channel, JSON.stringify(message)).catch((error: unknown) => {
        // The row is written: API processes find it when their own Redis connection comes back, or at
        // their next catch-up read (at most 30 s), so the sign-out still succeeds.
        console.error(`Session revocation: recorded, but publishing to Redis failed (${error instanceof Error ? error.message : String(error)}); API processes pick it up from the database within 30 s`);
      });
    }
    if (Date.now() >= nextCleanupAt) {
      nextCleanupAt = Date.now() + CLEANUP_EVERY_MS;
      await prisma.revokedSession.deleteMany({ where: { keepUntil: { lt: new Date() } } }).catch(() => undefined);
    }
  };
}
