// The scaled-out system for the browser suite (web/playwright.scale-out.config.ts starts it): the same
// replicas, HAProxy, Redis and fresh database as the vitest scale-out suite, on SCALE_OUT_PORT, until
// SIGTERM.
import { checkPrerequisites } from './support/prerequisites.ts';
import { startScaledSystem } from './support/scaled-system.ts';

const prerequisites = await checkPrerequisites();
if (!prerequisites.ready) {
  console.error(`cannot start the scaled system: ${prerequisites.reason}`);
  process.exit(1);
}
const system = await startScaledSystem(prerequisites.services, Number(process.env.SCALE_OUT_PORT ?? 3300));
console.log(`scaled system on ${system.origin}: ${[...system.api, ...system.web].map((replica) => replica.name).join(', ')} behind HAProxy`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  system.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
