// Local runs read the repository's .env (variables already set win). Outside production, a fresh
// clone with no .env still runs: random development secrets are made once and kept in .data/.
// A pruned deployment (an image) has no workspace around it: its settings come from the environment.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceDirectory } from './package-directory.ts';

const DEV_SECRETS = ['JWT_SECRET', 'BETTER_AUTH_SECRET'] as const;

export function loadLocalEnv(env: NodeJS.ProcessEnv = process.env): void {
  const root = workspaceDirectory(import.meta.url);
  if (!root) return;
  const envFile = join(root, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  if (env.NODE_ENV === 'production') return;
  for (const name of DEV_SECRETS) {
    if (!env[name]) env[name] = developmentSecret(root, name);
  }
}

function developmentSecret(root: string, name: string): string {
  const directory = join(root, '.data', 'dev-secrets');
  const file = join(directory, name);
  if (!existsSync(file)) {
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
