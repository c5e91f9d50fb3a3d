// What the Dockerfile says each image holds and runs, read from the file itself so the tests run the
// very commands an image build and a container would: the `pnpm deploy` lines of the build stage, and
// per target the directory copied to /app, USER, ENTRYPOINT, CMD and HEALTHCHECK.
import { readFileSync } from 'node:fs';

export interface DeployCommand {
  /** e.g. @taskgate/api */
  filter: string;
  /** pnpm's arguments between the filter and `deploy`, e.g. ['--prod', '--no-optional', '--offline'] */
  options: string[];
  /** The build stage's output directory, e.g. /out/api */
  outDir: string;
}

export interface ImageTarget {
  name: string;
  /** The stage it is built FROM (a stage name or an image). */
  from: string;
  /** The build stage directory copied to /app (`COPY --from=build <dir> /app`). */
  copiedFrom: string | undefined;
  cmd: string[] | undefined;
  /** `HEALTHCHECK CMD [...]`'s command; `null` for `HEALTHCHECK NONE`; undefined when absent. */
  healthcheck: string[] | null | undefined;
  expose: number[];
}

export interface Dockerfile {
  deployCommands: DeployCommand[];
  targets: Map<string, ImageTarget>;
  /** USER, ENTRYPOINT and STOPSIGNAL as a target inherits them through its FROM chain. */
  inherited(target: string, instruction: 'USER' | 'ENTRYPOINT' | 'STOPSIGNAL'): string | undefined;
}

export function readDockerfile(path: string): Dockerfile {
  // Join continuation lines, drop comments.
  const instructions = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  const targets = new Map<string, ImageTarget>();
  const raw = new Map<string, Map<string, string>>();
  const deployCommands: DeployCommand[] = [];
  let current: ImageTarget | undefined;

  for (const line of instructions) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    const instruction = keyword.toUpperCase();
    if (instruction === 'FROM') {
      const match = /^(\S+)\s+AS\s+(\S+)$/i.exec(args);
      if (!match?.[1] || !match[2]) throw new Error(`unnamed stage: ${line}`);
      current = { name: match[2], from: match[1], copiedFrom: undefined, cmd: undefined, healthcheck: undefined, expose: [] };
      targets.set(current.name, current);
      raw.set(current.name, new Map());
      continue;
    }
    if (!current) continue;
    raw.get(current.name)?.set(instruction, args);
    if (instruction === 'RUN') {
      for (const match of args.matchAll(/pnpm --filter (\S+) ((?:--[\w-]+ )*)deploy (\S+)/g)) {
        deployCommands.push({ filter: match[1] ?? '', options: (match[2] ?? '').trim().split(/\s+/).filter(Boolean), outDir: match[3] ?? '' });
      }
    } else if (instruction === 'COPY') {
      const match = /^--from=build\s+(\S+)\s+\/app$/.exec(args);
      if (match) current.copiedFrom = match[1];
    } else if (instruction === 'CMD') {
      current.cmd = JSON.parse(args) as string[];
    } else if (instruction === 'HEALTHCHECK') {
      current.healthcheck = args === 'NONE' ? null : (JSON.parse(args.replace(/^.*?\bCMD\s+/, '')) as string[]);
    } else if (instruction === 'EXPOSE') {
      current.expose = args.split(/\s+/).map(Number);
    }
  }

  return {
    deployCommands,
    targets,
    inherited(target, instruction) {
      for (let stage = targets.get(target); stage; stage = targets.get(stage.from)) {
        const value = raw.get(stage.name)?.get(instruction);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  };
}
