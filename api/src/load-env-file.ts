// Loads the repository's .env (if any) into process.env; variables already set win.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function loadEnvFile(): void {
  const path = fileURLToPath(new URL('../../.env', import.meta.url));
  if (existsSync(path)) process.loadEnvFile(path);
}
