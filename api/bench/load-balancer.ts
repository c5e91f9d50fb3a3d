// HAProxy with the compose file's configuration (deploy/haproxy/haproxy.cfg) in front of API
// processes already running, as one more server for the benchmark: its CPU per request is that of the
// API processes behind it (HAProxy's own is left out, as PostgreSQL's is).
import { LoadBalancer } from '../../test/scale-out/support/haproxy.ts';
import { freePort } from '../../test/test-database.ts';
import type { ChildServer } from './processes.ts';

export async function startLoadBalancer(haproxy: string, name: string, apis: ChildServer[]): Promise<ChildServer> {
  const port = await freePort();
  const api = apis.map((server, index) => ({ name: `api-${index + 1}`, port: Number(new URL(server.origin).port) }));
  const balancer = new LoadBalancer(haproxy, port, { api, web: [] });
  await balancer.start();
  return {
    name,
    origin: balancer.origin,
    cpuSeconds: () => {
      const seconds = apis.map((server) => server.cpuSeconds());
      return seconds.every((value): value is number => value !== undefined) ? seconds.reduce((sum, value) => sum + value, 0) : undefined;
    },
    stop: () => balancer.stop(),
  };
}
