// Tests that need a service a newcomer's machine may not run (Redis): when it does not answer they are
// skipped, saying why. With TASKGATE_REQUIRE_SERVICES=1 (CI sets it) its absence fails them instead.
import { describe, it } from 'vitest';

export type SuiteDeclaration = (name: string, body: () => void) => void;

/** `describe` when `probe` resolves; otherwise a skipped suite, or with TASKGATE_REQUIRE_SERVICES=1 a failing one. */
export async function describeIfServiceAnswers(service: string, probe: () => Promise<void>): Promise<SuiteDeclaration> {
  const problem = await probe().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  if (problem === undefined) return describe;

  const reason = `${service} did not answer (${problem})`;
  if (process.env.TASKGATE_REQUIRE_SERVICES === '1') {
    return (name) =>
      describe(name, () => {
        it(`needs ${service}`, () => {
          throw new Error(`${reason}, and TASKGATE_REQUIRE_SERVICES=1 requires it`);
        });
      });
  }
  console.warn(`Skipping the tests that need ${service}: ${reason}. TASKGATE_REQUIRE_SERVICES=1 makes this a failure.`);
  return (name, body) => describe.skip(`${name} [skipped: ${reason}]`, body);
}
