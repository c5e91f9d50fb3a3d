// Development only: `pnpm --filter @taskgate/api token <email> [--create]` prints an access token
// for a user, signed with the configured JWT_SECRET, so GraphiQL can be used without the web tier.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError, loadConfig } from '../config.ts';
import { createPrismaClient } from '../db.ts';
import { loadLocalEnv } from '@taskgate/shared/local-env';
import { SESSION_ID_CLAIM } from '@taskgate/shared/token-contract';

const LIFETIME = '15m';

loadLocalEnv();
const [email, flag] = process.argv.slice(2);
if (!email || (flag !== undefined && flag !== '--create')) {
  console.error('usage: pnpm --filter @taskgate/api token <email> [--create]');
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
if (config.env === 'production') {
  console.error('token: refusing to mint tokens with NODE_ENV=production; users get tokens from the web tier');
  process.exit(1);
}
if (config.jwt.mode === 'eddsa') {
  console.error('token: JWT_MODE=eddsa: only the web tier holds the signing keys; sign in to the web app and copy a token from its API access panel');
  process.exit(1);
}
const secret = config.jwt.secret;

const prisma = createPrismaClient({ url: config.database.url, poolSize: 1 });
try {
  let user = await prisma.user.findUnique({ where: { email } });
  if (!user && flag === '--create') {
    user = await prisma.user.create({ data: { id: randomUUID(), email, name: email.split('@')[0] ?? email } });
    console.error(`created user ${email}`);
  }
  if (!user) {
    console.error(`token: no user with email ${email} (add --create to create one)`);
    process.exitCode = 1;
  } else {
    // sid names no Better Auth session: nothing can revoke this token, which is why it is development only.
    const token = await new SignJWT({ [SESSION_ID_CLAIM]: `dev-token-${randomUUID()}` })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(config.jwt.issuer)
      .setAudience(config.jwt.audience)
      .setIssuedAt()
      .setExpirationTime(LIFETIME)
      .sign(secret);
    console.error(`token for ${email}, valid ${LIFETIME}; in GraphiQL's headers editor: {"Authorization": "Bearer <token>"}`);
    console.log(token);
  }
} finally {
  await prisma.$disconnect();
}
