// Hostile tokens (RFC 8725, OWASP WSTG-SESS-10): forged, bent, confused or oversized JWTs. Each is
// refused with HTTP 401, code UNAUTHENTICATED, before the operation is parsed; writes store nothing.
//
// Decision on `kid` (and any other JOSE header the token brings): in JWT_MODE=hs256 the API never
// looks a key up, it checks the signature with JWT_SECRET (then JWT_SECRET_PREVIOUS) only. A token
// carrying an odd `kid` but signed with the secret is accepted like any other, since only a holder
// of the secret could have made it; the same `kid` with any other signature is refused. `jwk`, `jku`
// and `x5u` are never used: no key is taken from a token and nothing is fetched because of one. In
// JWT_MODE=eddsa the `kid` selects one of the web tier's published keys; an unknown one is refused.
import { createServer, type RequestListener, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicKeyJwtSettings } from '../../src/config.ts';
import { createApi, type Api } from '../../src/yoga.ts';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { expectUnauthenticated } from '../support/refusals.ts';
import { mintToken, testJwtSettings, unsignedToken, withTamperedPayload } from '../support/tokens.ts';

const harness = createHarness();
let alice: TestUser;
let bob: TestUser;
const ME = '{ me { id email } }';
const CREATE = 'mutation { createTask(input: { title: "written with a hostile token" }) { id } }';

/** A server standing in for an attacker's key host: it counts every request it gets. */
interface KeyHost {
  server: Server;
  url: string;
  hits: number;
}
let attackerHost: KeyHost;
let attackerKeys: { publicKey: CryptoKey; privateKey: CryptoKey; publicJwk: JWK };
const attackerSecret = new TextEncoder().encode('attacker-chosen-hmac-secret-0123456789abcdef');

beforeAll(async () => {
  alice = await harness.createUser('alice');
  bob = await harness.createUser('bob');
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  attackerKeys = { publicKey, privateKey, publicJwk: await exportJWK(publicKey) };
  attackerHost = await listen((host) => (_request, response) => {
    host.hits += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [{ ...attackerKeys.publicJwk, kid: 'attacker', alg: 'EdDSA' }] }));
  });
});
afterAll(async () => {
  await new Promise((resolve) => attackerHost.server.close(resolve));
  await harness.close();
});

function post(api: Api, token: string, query = ME) {
  return api.fetch('http://taskgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
}

const bearer = (token: string, query = ME) => post(harness.api, token, query);
const now = () => Math.floor(Date.now() / 1000);
const aliceTaskCount = () => harness.prisma.task.count({ where: { ownerId: alice.id } });

/** A token signed with `key` by a header of the attacker's choosing, claims otherwise valid for alice. */
function forge(header: Record<string, unknown>, key: CryptoKey | Uint8Array, claims: Record<string, unknown> = {}) {
  return new SignJWT({ sub: alice.id, sid: randomUUID(), iss: testJwtSettings.issuer, aud: testJwtSettings.audience, ...claims })
    .setProtectedHeader(header as { alg: string })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
}

describe('tokens that fail verification', () => {
  it('accepts a well-formed token (control)', async () => {
    const response = await bearer(alice.token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.me.email).toBe(alice.email);
  });
  it('rejects a bad signature (wrong secret)', async () => {
    const token = await mintToken(alice.id, { key: new TextEncoder().encode('another-secret-that-is-also-32-bytes-long!!') });
    await expectUnauthenticated(await bearer(token));
  });
  it('rejects a tampered payload (bob\'s token, sub swapped to alice, signature kept)', async () => {
    // alice exists, so nothing but the signature check can refuse this token.
    await expectUnauthenticated(await bearer(withTamperedPayload(bob.token, { sub: alice.id })));
  });
  it('rejects a tampered payload (expired token, exp pushed forward, signature kept)', async () => {
    const expired = await mintToken(alice.id, { claims: { iat: now() - 3600, exp: now() - 60 } });
    await expectUnauthenticated(await bearer(withTamperedPayload(expired, { exp: now() + 600 })));
  });
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    it(`rejects alg "${alg}" (unsigned token)`, async () => {
      await expectUnauthenticated(await bearer(unsignedToken(alice.id, alg)));
    });
  }
  for (const alg of ['HS384', 'HS512']) {
    it(`rejects ${alg} even when signed with the right secret`, async () => {
      await expectUnauthenticated(await bearer(await mintToken(alice.id, { alg })));
    });
  }
  it('rejects a token without sid (the session it was issued for, which revocation needs)', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { sid: undefined } })));
  });
  it('rejects a token whose sid is not a string', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { sid: 42 } })));
  });
  it('rejects an expired token', async () => {
    const token = await mintToken(alice.id, { claims: { iat: now() - 3600, exp: now() - 60 } });
    expect(await expectUnauthenticated(await bearer(token))).toBe('Access token has expired');
  });
  it('rejects a token whose nbf is in the future', async () => {
    const token = await mintToken(alice.id, { claims: { nbf: now() + 120 } });
    await expectUnauthenticated(await bearer(token));
  });
  it('rejects a token issued in the future beyond the clock tolerance', async () => {
    const token = await mintToken(alice.id, { claims: { iat: now() + 120 } });
    await expectUnauthenticated(await bearer(token));
  });
  it('accepts a token issued within the clock tolerance (control)', async () => {
    const token = await mintToken(alice.id, { claims: { iat: now() + 2 } });
    expect((await bearer(token)).status).toBe(200);
  });
  it('rejects a token without exp', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { exp: undefined } })));
  });
  it('rejects a token without sub', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { sub: undefined } })));
  });
  it('rejects a token with an empty sub', async () => {
    await expectUnauthenticated(await bearer(await mintToken('', { claims: { sub: '' } })));
  });
  it('rejects a token with a non-string sub', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { sub: 42 } })));
  });
  it('rejects a token from another issuer', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { iss: 'https://evil.example' } })));
  });
  it('rejects a token for another audience', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { aud: 'some-other-api' } })));
  });
  it('rejects a token without iss or aud', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { iss: undefined } })));
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { aud: undefined } })));
  });
  it('rejects a 16 KB token, validly signed, as too large before parsing it', async () => {
    const token = await mintToken(alice.id, { claims: { padding: 'x'.repeat(16 * 1024) } });
    expect(token.length).toBeGreaterThan(16 * 1024);
    expect(await expectUnauthenticated(await bearer(token))).toBe('Access token is too large');
  });
});

describe('algorithm confusion and keys named by the token (JWT_MODE=hs256)', () => {
  it('rejects HS256 signed with an Ed25519 public key as the HMAC secret (PEM, JWK and raw forms)', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(attackerKeys.publicKey));
    const jwkJson = new TextEncoder().encode(JSON.stringify(attackerKeys.publicJwk));
    const raw = Buffer.from(attackerKeys.publicJwk.x!, 'base64url');
    for (const key of [pem, jwkJson, raw]) {
      await expectUnauthenticated(await bearer(await forge({ alg: 'HS256', typ: 'JWT' }, key)));
    }
  });
  it('rejects an EdDSA token signed by the attacker, whose public key is embedded as `jwk`', async () => {
    const token = await forge({ alg: 'EdDSA', jwk: attackerKeys.publicJwk }, attackerKeys.privateKey);
    await expectUnauthenticated(await bearer(token));
  });
  it('rejects an HS256 token whose embedded `jwk` is the attacker\'s own HMAC key', async () => {
    const jwk = { kty: 'oct', k: Buffer.from(attackerSecret).toString('base64url') };
    await expectUnauthenticated(await bearer(await forge({ alg: 'HS256', jwk }, attackerSecret)));
  });
  it('rejects tokens naming the attacker\'s key host in `jku` / `x5u`, and never contacts it', async () => {
    const hitsBefore = attackerHost.hits;
    for (const header of [{ jku: `${attackerHost.url}/jwks.json` }, { x5u: `${attackerHost.url}/cert.pem` }]) {
      await expectUnauthenticated(await bearer(await forge({ alg: 'EdDSA', kid: 'attacker', ...header }, attackerKeys.privateKey)));
      await expectUnauthenticated(await bearer(await forge({ alg: 'HS256', kid: 'attacker', ...header }, attackerSecret)));
    }
    expect(attackerHost.hits).toBe(hitsBefore);
  });

  const oddKids = ['../../../../etc/passwd', "' OR '1'='1' --", '"; DROP TABLE "Task"; --', '\u0000', 'k'.repeat(1024), '${jndi:ldap://evil}'];
  for (const kid of oddKids) {
    const label = JSON.stringify(kid.length > 40 ? `${kid.slice(0, 8)}…(${kid.length})` : kid);
    it(`verifies a token with kid ${label} against the secret only: signed with it, accepted; otherwise refused`, async () => {
      const genuine = await mintToken(alice.id, { header: { kid } });
      const genuineResponse = await bearer(genuine);
      expect(genuineResponse.status).toBe(200);
      expect(((await genuineResponse.json()) as any).data.me.email).toBe(alice.email);

      const before = await aliceTaskCount();
      await expectUnauthenticated(await bearer(await forge({ alg: 'HS256', kid }, attackerSecret), CREATE));
      expect(await aliceTaskCount()).toBe(before);
    });
  }
});

describe('JWT_MODE=eddsa: the web tier\'s published key cannot be turned into an HMAC secret', () => {
  let webTier: KeyHost;
  let webKeys: { privateKey: CryptoKey; publicJwk: JWK };
  let api: Api;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    webKeys = { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: 'web-1', alg: 'EdDSA', use: 'sig' } };
    webTier = await listen((host) => (_request, response) => {
      host.hits += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [webKeys.publicJwk] }));
    });
    const jwt: PublicKeyJwtSettings = {
      ...testJwtSettings,
      mode: 'eddsa',
      jwks: { url: new URL(`${webTier.url}/api/auth/jwks`), cooldownMs: 30_000, cacheMaxAgeMs: 600_000, timeoutMs: 2000 },
    };
    api = createApi({ prisma: harness.prisma, jwt, graphiql: false, logging: false });
  });
  afterAll(() => new Promise((resolve) => webTier.server.close(resolve)));

  it('accepts an EdDSA token signed with the published key (control)', async () => {
    const response = await post(api, await forge({ alg: 'EdDSA', kid: 'web-1' }, webKeys.privateKey));
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.me.email).toBe(alice.email);
  });
  it('rejects HS256 tokens HMAC-signed with the published public key (JWK JSON, raw x, PEM), and writes nothing', async () => {
    const publicKey = await crypto.subtle.importKey('jwk', webKeys.publicJwk, { name: 'Ed25519' }, true, ['verify']);
    const keys = [
      new TextEncoder().encode(JSON.stringify(webKeys.publicJwk)),
      Buffer.from(webKeys.publicJwk.x!, 'base64url'),
      new TextEncoder().encode(await exportSPKI(publicKey as CryptoKey)),
    ];
    const before = await aliceTaskCount();
    for (const key of keys) {
      await expectUnauthenticated(await post(api, await forge({ alg: 'HS256', kid: 'web-1' }, key), CREATE));
    }
    expect(await aliceTaskCount()).toBe(before);
  });
  it('rejects an EdDSA token signed by the attacker under the published kid, or with its key embedded', async () => {
    await expectUnauthenticated(await post(api, await forge({ alg: 'EdDSA', kid: 'web-1' }, attackerKeys.privateKey)));
    await expectUnauthenticated(await post(api, await forge({ alg: 'EdDSA', kid: 'web-1', jwk: attackerKeys.publicJwk }, attackerKeys.privateKey)));
  });
  it('rejects an unknown or odd kid, and fetches nothing from a `jku` the token names', async () => {
    const hitsBefore = attackerHost.hits;
    for (const kid of ['attacker', '../../../../etc/passwd', "' OR '1'='1"]) {
      await expectUnauthenticated(await post(api, await forge({ alg: 'EdDSA', kid, jku: `${attackerHost.url}/jwks.json` }, attackerKeys.privateKey)));
    }
    expect(attackerHost.hits).toBe(hitsBefore);
  });
});

describe('hostile tokens aimed at writes', () => {
  let aliceTaskId: string;
  const aliceTasks = () => harness.prisma.task.findMany({ where: { ownerId: alice.id }, orderBy: { id: 'asc' } });
  const writes = () => [
    CREATE,
    `mutation { updateTask(id: "${aliceTaskId}", input: { title: "pwned", completed: true }) { id } }`,
    `mutation { deleteTask(id: "${aliceTaskId}") }`,
  ];

  beforeAll(async () => {
    const task = await harness.prisma.task.create({ data: { title: 'Alice task hostile tokens aim at', ownerId: alice.id } });
    aliceTaskId = Buffer.from(`Task:${task.id}`).toString('base64');
  });

  // Each mints a token claiming to be alice; none may create, change or delete anything of hers.
  const hostileTokens: Record<string, () => Promise<string>> = {
    'bob\'s token with sub swapped to alice': async () => withTamperedPayload(bob.token, { sub: alice.id }),
    'alg none': async () => unsignedToken(alice.id, 'none'),
    'HS512 with the right secret': () => mintToken(alice.id, { alg: 'HS512' }),
    'HS256 signed with the Ed25519 public key (PEM)': async () => forge({ alg: 'HS256', typ: 'JWT' }, new TextEncoder().encode(await exportSPKI(attackerKeys.publicKey))),
    'the attacker\'s key embedded as jwk': () => forge({ alg: 'EdDSA', jwk: attackerKeys.publicJwk }, attackerKeys.privateKey),
    'an expired token': () => mintToken(alice.id, { claims: { iat: now() - 3600, exp: now() - 60 } }),
    'a token from another issuer': () => mintToken(alice.id, { claims: { iss: 'https://evil.example' } }),
  };
  for (const [attack, hostileToken] of Object.entries(hostileTokens)) {
    it(`${attack}: createTask, updateTask and deleteTask answer 401 UNAUTHENTICATED and alice's tasks are unchanged`, async () => {
      const token = await hostileToken();
      const before = await aliceTasks();
      for (const mutation of writes()) await expectUnauthenticated(await bearer(token, mutation));
      expect(await aliceTasks()).toEqual(before);
    });
  }
  it('the same writes with alice\'s own token do go through (control: the refusals above came from the token)', async () => {
    const before = await aliceTasks();
    for (const mutation of writes()) {
      const response = await bearer(alice.token, mutation);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    }
    const after = await aliceTasks();
    expect(after.map((task) => task.title)).toContain('written with a hostile token');
    expect(after.map((task) => task.title)).not.toContain('Alice task hostile tokens aim at');
    expect(after).toHaveLength(before.length); // one created, one deleted
  });
});

describe('a valid token whose user does not exist', () => {
  it('answers me with 401 UNAUTHENTICATED, never data and never a 500', async () => {
    const response = await bearer(await mintToken('no-such-user'));
    expect(response.status).toBe(401);
    const body = (await response.json()) as any;
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
  it('refuses createTask with 401 and stores nothing', async () => {
    const token = await mintToken('ghost-user');
    const response = await bearer(token, 'mutation { createTask(input: { title: "boo" }) { id } }');
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await harness.prisma.task.count({ where: { ownerId: 'ghost-user' } })).toBe(0);
  });
  it('a user deleted after the token was minted: me answers 401, createTask stores nothing', async () => {
    const doomed = await harness.createUser('deleted-later');
    expect((await bearer(doomed.token, CREATE)).status).toBe(200); // control: the token worked
    await harness.prisma.user.delete({ where: { id: doomed.id } });

    const me = await bearer(doomed.token);
    expect(me.status).toBe(401);
    const body = (await me.json()) as any;
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const write = await bearer(doomed.token, CREATE);
    expect(write.status).toBe(401);
    expect(((await write.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await harness.prisma.task.count({ where: { ownerId: doomed.id } })).toBe(0);
  });
});

/** An HTTP server on a free port of 127.0.0.1 whose `respond` is called with each request. */
async function listen(respond: (host: KeyHost) => RequestListener): Promise<KeyHost> {
  const host: KeyHost = { server: createServer(), url: '', hits: 0 };
  host.server.on('request', respond(host));
  await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve));
  host.url = `http://127.0.0.1:${(host.server.address() as { port: number }).port}`;
  return host;
}
