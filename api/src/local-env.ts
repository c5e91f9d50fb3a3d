// Local runs read the repository's .env (variables already set win). Outside production, a fresh
// clone with no .env still runs: random development secrets are made once and kept in .data/.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../', import.meta.url);
const DEV_SECRETS = ['JWT_SECRET', 'BETTER_AUTH_SECRET'] as const;

export function loadLocalEnv(env: NodeJS.ProcessEnv = process.env): void {
  const envFile = fileURLToPath(new URL('.env', ROOT));
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  if (env.NODE_ENV === 'production') return;
  for (const name of DEV_SECRETS) {
    if (!env[name]) env[name] = developmentSecret(name);
  }
}

function developmentSecret(name: string): string {
  const file = fileURLToPath(new URL(`.data/dev-secrets/${name}`, ROOT));
  if (!existsSync(file)) {
    mkdirSync(fileURLToPath(new URL('.data/dev-secrets/', ROOT)), { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
