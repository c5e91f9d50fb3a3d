// Benchmark data: N users × M tasks, plus one user with 100 tasks for the statement count, and an
// access token per user signed the way the web tier signs them (HS256, the token contract's claims).
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { PrismaClient } from '@taskgate/prisma/client';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, DEFAULT_AUDIENCE, DEFAULT_ISSUER, SESSION_ID_CLAIM } from '@taskgate/shared/token-contract';

export interface BenchSigning {
  /** JWT_SECRET for the API processes: random per run. */
  secret: string;
  issuer: string;
  audience: string;
}

export interface BenchUser {
  id: string;
  email: string;
  token: string;
}

export interface SeededData {
  users: BenchUser[];
  /** Owns exactly 100 tasks: enough for the largest page in the statement count. */
  pageCountUser: BenchUser;
  tasks: number;
}

export function newSigning(): BenchSigning {
  return { secret: randomBytes(48).toString('base64url'), issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE };
}

export async function mintAccessToken(signing: BenchSigning, userId: string, key = signing.secret): Promise<string> {
  // sid: the token contract requires one; these tokens belong to no Better Auth session.
  return new SignJWT({ [SESSION_ID_CLAIM]: `bench-${randomUUID()}` })
    .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE })
    .setSubject(userId)
    .setIssuer(signing.issuer)
    .setAudience(signing.audience)
    .setIssuedAt()
    // Longer than the web tier's 15 minutes so that a long BENCH_DURATION never sees a token expire.
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(key));
}

export async function seed(prisma: PrismaClient, signing: BenchSigning, options: { users: number; tasksPerUser: number }): Promise<SeededData> {
  const run = randomUUID().slice(0, 8);
  const rows = Array.from({ length: options.users + 1 }, (_, index) => ({
    id: randomUUID(),
    email: `bench-${run}-${index}@bench.test`,
    name: `Bench user ${index}`,
  }));
  await prisma.user.createMany({ data: rows });

  const start = Date.now() - 1000 * 60 * 60 * 24;
  const tasksOf = (ownerId: string, count: number) =>
    Array.from({ length: count }, (_, index) => ({
      ownerId,
      title: `Task ${index + 1}: ${'write the benchmark report '.slice(0, 10 + (index % 17))}`,
      description: index % 2 === 0 ? `Details for task ${index + 1}` : null,
      completed: index % 3 === 0,
      createdAt: new Date(start + index * 1000),
    }));
  const [pageCountRow, ...userRows] = rows.slice().reverse();
  const tasks = userRows.flatMap((user) => tasksOf(user.id, options.tasksPerUser));
  for (let offset = 0; offset < tasks.length; offset += 5000) {
    await prisma.task.createMany({ data: tasks.slice(offset, offset + 5000) });
  }
  await prisma.task.createMany({ data: tasksOf(pageCountRow!.id, 100) });
  // Planner statistics now, as a long-running database would have them, not when autovacuum gets to it mid-run.
  await prisma.$executeRawUnsafe('ANALYZE "user", "task"');

  const withToken = async (row: { id: string; email: string }): Promise<BenchUser> => ({ id: row.id, email: row.email, token: await mintAccessToken(signing, row.id) });
  return {
    users: await Promise.all(userRows.reverse().map(withToken)),
    pageCountUser: await withToken(pageCountRow!),
    tasks: tasks.length + 100,
  };
}
