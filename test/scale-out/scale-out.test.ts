// The built system scaled out: 2 API + 2 web replicas behind HAProxy (deploy/haproxy/haproxy.cfg),
// Redis shared by the web replicas, a fresh PostgreSQL database. What a deployment of Taskgate must
// survive: replicas sharing the work and the rate limits, a replica killed under load, a rolling
// restart under load, Redis going away and coming back.
import { createPrismaClient } from '@taskgate/prisma/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareDatabaseWithLedgers, createLoadUsers, warmUp } from '../../api/test/load/isolation-scenario.ts';
import { runIsolationWorkload, type WorkloadReport } from '../../api/test/load/workload.ts';
import { openSse, type SseStream } from '../../api/test/support/sse-client.ts';
import { HttpClient } from './support/http-client.ts';
import { checkPrerequisites } from './support/prerequisites.ts';
import { startScaledSystem, type ScaledSystem } from './support/scaled-system.ts';
import { accessToken, keepSessionsBusy, me, PASSWORD, signUp, type Person } from './support/web-load.ts';

const prerequisites = await checkPrerequisites();
if (!prerequisites.ready) console.warn(`scale-out suite skipped: ${prerequisites.reason}`);

/** HAProxy checks every 500 ms and takes a replica out after 2 failures: out within 2 s, said the README. */
const MARKED_DOWN_WITHIN_MS = 2_000;

describe.skipIf(!prerequisites.ready)('scaled-out system: 2 API + 2 web replicas behind HAProxy, Redis, PostgreSQL', { timeout: 180_000 }, () => {
  let system: ScaledSystem;
  let prisma: ReturnType<typeof createPrismaClient>;

  beforeAll(async () => {
    if (!prerequisites.ready) return;
    system = await startScaledSystem(prerequisites.services);
    prisma = createPrismaClient({ url: system.databaseUrl, poolSize: 5 });
  }, 120_000);
  afterAll(async () => {
    await prisma?.$disconnect();
    await system?.stop();
  });

  const replicaLogs = () => [...system.api, ...system.web].map((replica) => `--- ${replica.name}\n${replica.log()}`).join('\n');

  it('serves sign-up, sign-in, token refreshes and API calls from both replicas of each tier; every token works on both API replicas', async () => {
    const person = await signUp(system.origin, '127.0.0.1', 'both-replicas');
    const signIn = await new HttpClient({ origin: system.origin }).post('/api/auth/sign-in/email', { email: person.email, password: PASSWORD });
    expect(signIn.status).toBe(200);

    // tokens minted by each web replica, each presented until both API replicas have accepted it
    const accepted = new Set<string>();
    for (let attempt = 0; attempt < 20 && accepted.size < 4; attempt++) {
      const { token, response } = await accessToken(person);
      expect(response.status, response.text).toBe(200);
      for (let call = 0; call < 6; call++) {
        const answer = await me(person, token);
        expect(answer.status, answer.text).toBe(200);
        expect(answer.json().data.me.email).toBe(person.email);
        accepted.add(`${response.instance} → ${answer.instance}`);
      }
    }
    expect([...accepted].sort()).toEqual(['web-1 → api-1', 'web-1 → api-2', 'web-2 → api-1', 'web-2 → api-2']);
  });

  it('delivers a task written through API replica 1 to its owner\'s stream on API replica 2 (Redis), and to nobody else', async () => {
    // Addresses of their own: sign-ups are limited per client address (5 a minute).
    const [owner, stranger] = await Promise.all([signUp(system.origin, '127.0.4.1', 'live-owner'), signUp(system.origin, '127.0.4.2', 'live-stranger')]);
    const [{ token }, { token: strangerToken }] = await Promise.all([accessToken(owner), accessToken(stranger)]);
    const [api1, api2] = system.api;
    const streams = await Promise.all([
      openSse(`${api2.url}/graphql`, { token }),
      openSse(`${api2.url}/graphql`, { token: strangerToken }),
      // Through HAProxy as the SPA subscribes: it streams the events as they come.
      openSse(`${system.origin}/graphql`, { token }),
    ]);
    const [ownerStream, strangerStream, balancedStream] = streams as [SseStream, SseStream, SseStream];
    try {
      expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200]);
      await sleep(300); // each replica's SUBSCRIBE to the owner's channel reaches Redis
      const written = await fetch(`${api1.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'mutation { createTask(input: { title: "written on api-1" }) { id } }' }),
      });
      expect(written.headers.get('x-taskgate-instance')).toBe('api-1');
      const { data } = (await written.json()) as { data: { createTask: { id: string } } };
      const writtenAt = performance.now();
      const event = await ownerStream.next(2_000);
      const latency = performance.now() - writtenAt;
      expect(event).toEqual({ data: { taskEvents: { kind: 'CREATED', taskId: data.createTask.id, task: { id: data.createTask.id, title: 'written on api-1', completed: false } } } });
      expect((await balancedStream.next(2_000)).data?.taskEvents.taskId).toBe(data.createTask.id);
      await sleep(200);
      expect(strangerStream.pending).toEqual([]);
      console.log(`event from api-1 on api-2's stream ${latency.toFixed(1)} ms after the write's response`);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('keeps open streams out of the replicas\' request places: with 36 streams through HAProxy (more than 2 × maxconn 16), requests are still answered at once', async () => {
    const people = await Promise.all(Array.from({ length: 4 }, (_, i) => signUp(system.origin, `127.0.4.${10 + i}`, `streams-${i}`)));
    const tokens = await Promise.all(people.map(async (person) => (await accessToken(person)).token));
    // 9 per user: under SUBSCRIPTIONS_PER_USER (10) on any one replica, however HAProxy spreads them.
    const streams = await Promise.all(tokens.flatMap((token) => Array.from({ length: 9 }, () => openSse(`${system.origin}/graphql`, { token }))));
    try {
      expect(streams.map((stream) => stream.status)).toEqual(streams.map(() => 200));
      const states = await system.loadBalancer.serverStates();
      const held = states.filter((state) => state.backend === 'api_streams').reduce((sum, state) => sum + state.current, 0);
      // (A stream an earlier test closed may still be counted for a moment.)
      expect(held).toBeGreaterThanOrEqual(36);
      const started = performance.now();
      const answer = await me(people[0]!, tokens[0]!);
      expect(answer.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('enforces a sign-out through web replica 2 on both API replicas within 1 s, and ends their streams of that session', async () => {
    const person = await signUp(system.origin, '127.0.4.3', 'signout');
    const { token } = await accessToken(person);
    const [api1, api2] = system.api;
    const status = async (replica: typeof api1) =>
      (await fetch(`${replica.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ me { id } }"}' })).status;
    expect([await status(api1), await status(api2)]).toEqual([200, 200]);
    const streams = await Promise.all(system.api.map((replica) => openSse(`${replica.url}/graphql`, { token })));
    try {
      // The browser's cookie, sent straight to web-2 (with the public Origin Better Auth checks).
      const viaWeb2 = new HttpClient({ origin: system.web[1].url });
      for (const [name, value] of person.client.cookies) viaWeb2.cookies.set(name, value);
      const signOut = await viaWeb2.post('/api/auth/sign-out', {}, { origin: system.origin });
      expect({ status: signOut.status, instance: signOut.instance }).toEqual({ status: 200, instance: 'web-2' });
      const signedOutAt = performance.now();
      let refusedAfter = Number.POSITIVE_INFINITY;
      while (performance.now() - signedOutAt < 1_000) {
        if ((await status(api1)) === 401 && (await status(api2)) === 401) {
          refusedAfter = performance.now() - signedOutAt;
          break;
        }
        await sleep(10);
      }
      expect(refusedAfter).toBeLessThan(1_000);
      for (const stream of streams) {
        expect((await stream.next(1_000)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        await stream.completed;
      }
      console.log(`sign-out through web-2 refused by api-1 and api-2 after ${refusedAfter.toFixed(1)} ms`);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('holds the sign-in limit across web replicas: the 11th attempt from one address is refused, another address still signs in', async () => {
    const person = await signUp(system.origin, '127.0.0.1', 'rate-limited');
    const attacker = new HttpClient({ origin: system.origin, localAddress: '127.0.0.2' });
    const servedBy = new Set<string | undefined>();
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await attacker.post('/api/auth/sign-in/email', { email: person.email, password: `guess ${attempt}` });
      expect(response.status, `attempt ${attempt}: ${response.text}`).toBe(401);
      servedBy.add(response.instance);
    }
    expect(servedBy).toEqual(new Set(['web-1', 'web-2']));

    const refused = await attacker.post('/api/auth/sign-in/email', { email: person.email, password: PASSWORD });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    const someoneElse = new HttpClient({ origin: system.origin, localAddress: '127.0.0.3' });
    expect((await someoneElse.post('/api/auth/sign-in/email', { email: person.email, password: PASSWORD })).status).toBe(200);
  });

  it('loses no acknowledged write when an API replica is killed under a 100-user load; only its in-flight requests fail, and it rejoins', async () => {
    const users = await createLoadUsers(prisma, 100);
    const endpoint = `${system.origin}/graphql`;
    await warmUp(endpoint, users).catch((error) => {
      throw new Error(`${error}\n${system.loadBalancer.log()}\n${replicaLogs()}`);
    });
    const [victim] = system.api;

    let killedAt = 0;
    let markedDownAfterMs = 0;
    let rejoinedAfterMs = 0;
    const chaos = (async () => {
      await sleep(2_000);
      killedAt = performance.now();
      await victim.kill();
      markedDownAfterMs = await system.loadBalancer.waitFor(async () => (await system.loadBalancer.stateOf(victim.name))?.status.startsWith('DOWN') ?? false, 10_000, `${victim.name} DOWN`);
      await sleep(2_000);
      const restartedAt = performance.now();
      await victim.start();
      await system.loadBalancer.waitFor(async () => (await system.loadBalancer.stateOf(victim.name))?.status === 'UP', 10_000, `${victim.name} UP again`);
      rejoinedAfterMs = performance.now() - restartedAt;
    })();
    const workload = await runIsolationWorkload({ endpoint, users, durationMs: 9_000, minOperationsPerUser: 10, seed: Date.now() % 2 ** 31 });
    await chaos;

    const database = await compareDatabaseWithLedgers(prisma, users, workload.ledgers);
    const failed = workload.failedRequests;
    console.log(
      `kill -9 of ${victim.name}: ${workload.requests} requests, ${failed.length} failed (all in flight at the kill: ` +
        `${failed.every((request) => request.sentAt <= killedAt && request.failedAt >= killedAt)}), ` +
        `marked DOWN after ${markedDownAfterMs.toFixed(0)} ms, back UP ${rejoinedAfterMs.toFixed(0)} ms after its restart, ` +
        `${workload.acknowledgedWrites} acknowledged writes, ${database.lostWritesInDatabase} lost`,
    );
    expectIsolated(workload, database.databaseProblems);
    expect(database).toMatchObject({ lostWritesInDatabase: 0, phantomRows: 0 });
    expect(workload.unexpectedResponses, workload.problems.join('\n')).toBe(0);
    // Each user has one request at a time: at most 100 can have been in flight, all sent before the kill.
    for (const request of failed) {
      expect(request.sentAt).toBeLessThanOrEqual(killedAt);
      expect(request.failedAt).toBeGreaterThanOrEqual(killedAt);
    }
    expect(failed.length).toBeLessThanOrEqual(users.length);
    expect(markedDownAfterMs).toBeLessThan(MARKED_DOWN_WITHIN_MS);

    // It rejoined: it answers through the balancer again.
    const person = await signUp(system.origin, '127.0.0.1', 'after-kill');
    const { token } = await accessToken(person);
    const instances = new Set<string | undefined>();
    for (let call = 0; call < 8; call++) instances.add((await me(person, token)).instance);
    expect(instances).toContain(victim.name);
  });

  it('restarts every replica of both tiers one at a time under load without failing a single request', async () => {
    const users = await createLoadUsers(prisma, 100);
    const endpoint = `${system.origin}/graphql`;
    await warmUp(endpoint, users);
    const people = await Promise.all(Array.from({ length: 10 }, (_, i) => signUp(system.origin, `127.0.1.${i + 1}`, `rolling-${i}`)));
    // An open event stream on each API replica must not hold up its exit: it completes when the replica stops.
    const { token: streamToken } = await accessToken(people[0]!);
    const openStreams = await Promise.all(system.api.map((replica) => openSse(`${replica.url}/graphql`, { token: streamToken })));

    const restartsOver = new AbortController();
    const webLoad = keepSessionsBusy(people, restartsOver.signal);
    const apiLoad = runIsolationWorkload({ endpoint, users, durationMs: 2_000, until: restartsOver.signal, seed: Date.now() % 2 ** 31 });
    const exits: string[] = [];
    const restarts = (async () => {
      await sleep(1_000);
      for (const replica of [...system.api, ...system.web]) {
        await replica.stop();
        exits.push(`${replica.name}: ${JSON.stringify(replica.lastExit)}`);
        await replica.start();
        await system.loadBalancer.waitFor(async () => (await system.loadBalancer.stateOf(replica.name))?.status === 'UP', 15_000, `${replica.name} UP`);
      }
    })();
    await restarts.finally(() => restartsOver.abort());
    const [workload, web] = await Promise.all([apiLoad, webLoad]);
    const database = await compareDatabaseWithLedgers(prisma, users, workload.ledgers);

    console.log(`rolling restart: ${workload.requests} API requests, ${web.requests} web-tier requests; exits ${exits.join(', ')}`);
    expect(exits).toEqual([...system.api, ...system.web].map((replica) => `${replica.name}: {"code":0,"signal":null}`));
    expect(openStreams.map((stream) => ({ completed: stream.isCompleted, payloads: stream.pending }))).toEqual([
      { completed: true, payloads: [] },
      { completed: true, payloads: [] },
    ]);
    expectIsolated(workload, database.databaseProblems);
    expect(database).toMatchObject({ lostWritesInDatabase: 0, phantomRows: 0 });
    expect(workload.failedRequests, replicaLogs()).toEqual([]);
    expect(workload.unexpectedResponses, workload.problems.join('\n')).toBe(0);
    expect(web.failures, replicaLogs()).toEqual([]);
    expect(web.instances).toEqual(new Set(['web-1', 'web-2', 'api-1', 'api-2']));
  });

  it('keeps Redis outages to the documented refusal: sign-in answers 503 with its code while signed-in people carry on, and recovers by itself', async () => {
    const people: Person[] = await Promise.all(Array.from({ length: 4 }, (_, i) => signUp(system.origin, `127.0.2.${i + 1}`, `redis-${i}`)));
    const signInFrom = (i: number) =>
      new HttpClient({ origin: system.origin, localAddress: `127.0.3.${(i % 200) + 1}` }).post('/api/auth/sign-in/email', { email: people[i % people.length]!.email, password: PASSWORD });

    await system.redis.setMode('refuse');
    try {
      for (let i = 0; i < 6; i++) {
        const refused = await signInFrom(i);
        expect(refused.status, refused.text).toBe(503);
        expect(refused.json()).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE' });
        expect(refused.text).not.toMatch(/at .+\.(js|ts):\d+/); // no stack
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        // Signed in already: the session lives in PostgreSQL, so tokens and API calls go on.
        const { token, response } = await accessToken(people[i % people.length]!);
        expect(response.status, response.text).toBe(200);
        expect((await me(people[i % people.length]!, token)).status).toBe(200);
      }
    } finally {
      await system.redis.setMode('forward');
    }

    // Back without a restart: the clients reconnect on their own.
    const deadline = Date.now() + 15_000;
    let status = 0;
    for (let i = 10; Date.now() < deadline; i++) {
      status = (await signInFrom(i)).status;
      if (status === 200) break;
      expect(status).toBe(503);
      await sleep(250);
    }
    expect(status).toBe(200);
  });
});

function expectIsolated(workload: WorkloadReport, databaseProblems: string[]): void {
  expect({ crossUserRows: workload.crossUserRows, lostWrites: workload.lostWrites, staleReads: workload.staleReads }, [...workload.problems, ...databaseProblems].join('\n')).toEqual({
    crossUserRows: 0,
    lostWrites: 0,
    staleReads: 0,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
