// Run by slot-set.test.ts in a process of its own (node --expose-gc --trace-gc-nvp): members come and
// go in a long-lived container the way responses do in the server's in-flight set, ten at a time; a
// full collection is forced half-way, and V8 prints what each scavenge promoted before and after it.
// The container: a Set, a SlotSet, or (`lifecycle`) the HTTP lifecycle's own, fed 'request' and
// 'close' events the way node:http emits them.
import { EventEmitter } from 'node:events';
import { writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { manageHttpLifecycle } from '@taskgate/shared/http-lifecycle';
import { SlotSet } from '@taskgate/shared/slot-set';

const kind = process.argv[2];

function containerOf(name: string | undefined): (member: object) => () => void {
  if (name === 'Set') {
    const members = new Set<object>();
    return (member) => {
      members.add(member);
      return () => members.delete(member);
    };
  }
  if (name === 'SlotSet') {
    const members = new SlotSet<object>();
    return (member) => members.add(member);
  }
  const server = createServer();
  manageHttpLifecycle(server, { shutdownDelaySeconds: 0, onClosed: async () => {} });
  return (member) => {
    const response = Object.assign(new EventEmitter(), { member, setHeader() {} });
    server.emit('request', {}, response);
    return () => response.emit('close');
  };
}

const add = containerOf(kind);

function churn(count: number): void {
  const inFlight: (() => void)[] = [];
  for (let i = 0; i < count; i += 1) {
    // About a kilobyte per member, as a small response and its request would hold.
    inFlight.push(add({ id: i, payload: Array.from({ length: 32 }, (_, n) => ({ n })) }));
    if (inFlight.length > 10) inFlight.shift()!();
  }
  for (const remove of inFlight) remove();
}

churn(200_000);
(globalThis as { gc?: () => void }).gc!();
writeSync(1, 'forced full collection\n');
churn(200_000);
