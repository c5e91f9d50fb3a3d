// Where a module's package (or the whole workspace) lives on disk, found the same way from the
// TypeScript sources (src/x.ts) and from the build (dist/src/x.js), which sit at different depths.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory above `moduleUrl` (import.meta.url) that holds a package.json. */
export function packageDirectory(moduleUrl: string): string {
  const found = nearestDirectoryWith(moduleUrl, 'package.json');
  if (!found) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
  return found;
}

/** The pnpm workspace's root (it holds pnpm-workspace.yaml); undefined in a pruned deployment. */
export function workspaceDirectory(moduleUrl: string): string | undefined {
  return nearestDirectoryWith(moduleUrl, 'pnpm-workspace.yaml');
}

function nearestDirectoryWith(moduleUrl: string, file: string): string | undefined {
  let directory = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(directory, file))) return directory;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}
