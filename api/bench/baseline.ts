// BENCH_BASELINE=<commit>: the API as it was at that commit, checked out in a git worktree of its own
// (api/bench/.scratch/), installed from its own lockfile and started beside today's API, so both are
// measured in the same rounds on the same machine and database (the schema is today's; an older API
// simply does not use what it does not know).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startServer, type ChildServer } from './processes.ts';

export interface Baseline {
  commit: string;
  /** The commit's first line, for the report. */
  subject: string;
  server: ChildServer;
}

export async function startBaseline(revision: string, env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<Baseline> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--verify', `${revision}^{commit}`);
  const subject = git('log', '-1', '--format=%s', commit);
  const directory = join(REPO_ROOT, 'api/bench/.scratch', `baseline-${commit.slice(0, 12)}`);
  if (!existsSync(join(directory, 'package.json'))) {
    console.log(`baseline: checking out ${commit.slice(0, 12)} (${subject.slice(0, 60)}) in ${directory}`);
    git('worktree', 'add', '--force', '--detach', directory, commit);
  }
  // Written once its install finished: an interrupted install is done again.
  const installed = join(directory, 'node_modules', '.taskgate-baseline-installed');
  if (!existsSync(installed)) {
    console.log('baseline: installing its dependencies (pnpm store, offline first)');
    // Without the npm_config_* variables `pnpm bench` passes down: the outer workspace's settings
    // (injectWorkspacePackages, …) are not the baseline's, and its frozen install would refuse them.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
    execFileSync('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: directory, env, stdio: ['ignore', 'inherit', 'inherit'] });
    writeFileSync(installed, `${new Date().toISOString()}\n`);
  }
  const server = await startServer({
    name: `API at ${commit.slice(0, 12)}`,
    entry: join(directory, 'api/src/main.ts'),
    cwd: directory,
    port,
    env: { ...env, API_PORT: String(port) },
    nodeArgs,
  });
  return { commit, subject, server };
}
