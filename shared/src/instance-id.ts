// Which process answered: every response of both tiers names it, so logs and tests can tell the
// replicas behind a load balancer apart.
import { hostname } from 'node:os';
import { nonEmpty } from './env-parsing.ts';

export const INSTANCE_HEADER = 'x-taskgate-instance';

/** INSTANCE_ID, or host name and process id (containers: the container's short id). */
export function parseInstanceId(raw: string | undefined): string {
  const value = nonEmpty(raw) ?? `${hostname()}-${process.pid}`;
  if (!/^[\w.:-]{1,64}$/.test(value)) throw new Error(`must be 1-64 letters, digits, ".", ":", "_" or "-", got "${value}"`);
  return value;
}
