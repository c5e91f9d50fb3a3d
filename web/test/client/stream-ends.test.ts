// What the SSE link does after each way a taskEvents stream can end (README "How a stream ends").
import { describe, expect, it } from 'vitest';
import { nextStep, reopenDelayMs, type RetryState } from '../../src/lib/stream-ends';

const fresh: RetryState = { failures: 0, refusedBefore: false };
const half = () => 0.5;

describe('the end of an event stream', () => {
  it('UNAUTHENTICATED at exp or revocation: a new token and reopen at once', () => {
    expect(nextStep({ kind: 'unauthenticated', opened: true }, fresh)).toEqual({ action: 'refresh-token-and-reopen' });
  });

  it('HTTP 401 before the stream opened: a new token once', () => {
    expect(nextStep({ kind: 'unauthenticated', opened: false }, fresh)).toEqual({ action: 'refresh-token-and-reopen' });
  });

  it('HTTP 401 again right after a refresh: the session is over', () => {
    expect(nextStep({ kind: 'unauthenticated', opened: false }, { failures: 1, refusedBefore: true })).toEqual({ action: 'end-session' });
  });

  it('a stream that opened and then ended UNAUTHENTICATED is not a second refusal', () => {
    expect(nextStep({ kind: 'unauthenticated', opened: true }, { failures: 0, refusedBefore: true })).toEqual({ action: 'refresh-token-and-reopen' });
  });

  it('a plain complete (replica stopping): reopen after a short back-off', () => {
    expect(nextStep({ kind: 'completed' }, fresh, half)).toEqual({ action: 'reopen', afterMs: 750 });
  });

  it('a dropped connection: reopen, waiting longer after each failure in a row, at most 30 s', () => {
    const delays = [0, 1, 2, 3, 10].map((failures) => reopenDelayMs({ kind: 'failed' }, failures, () => 1));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 30_000]);
  });

  it('jitter keeps every delay between half and all of its step', () => {
    expect(reopenDelayMs({ kind: 'failed' }, 2, () => 0)).toBe(2_000);
    expect(reopenDelayMs({ kind: 'failed' }, 2, () => 0.999_999)).toBeCloseTo(4_000, 0);
  });

  it('429 (too many streams for this user): no quicker than 30 s', () => {
    expect(nextStep({ kind: 'failed', status: 429 }, fresh, half)).toEqual({ action: 'reopen', afterMs: 30_000 });
  });

  it('503 (capacity, or stopping): no quicker than its Retry-After of 5 s', () => {
    expect(nextStep({ kind: 'failed', status: 503 }, fresh, half)).toEqual({ action: 'reopen', afterMs: 5_000 });
  });

  it('no session any more: stop quietly (the token store has reported it)', () => {
    expect(nextStep({ kind: 'session-ended' }, fresh)).toEqual({ action: 'stop' });
  });

  it('another error in the stream: stop with it instead of repeating it', () => {
    const error = new Error('QUERY_TOO_DEEP');
    expect(nextStep({ kind: 'broken', error }, fresh)).toEqual({ action: 'stop', error });
  });
});
