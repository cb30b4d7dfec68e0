// The retry loop every network shares (SPEC §8a, §9): waits within the limits, never past the publish's
// deadline, and a lost lease after a send that may have arrived is uncertain, never a definite failure.

import { describe, expect, it } from "vitest";
import { LeaseLostError } from "../../src/errors.js";
import {
  type Attempts,
  DeadlinePassed,
  GaveUp,
  type Next,
  type RetryPolicy,
  withRetries,
} from "../../src/publish/retry.js";

type Failure = { next: Next };

/** A clock that moves only when the loop sleeps, and the sleeps it asked for. */
function policy(
  overrides: Partial<RetryPolicy> = {},
): RetryPolicy & { sleeps: number[]; clock: { now: number } } {
  const clock = { now: Date.parse("2026-03-02T12:00:00Z") };
  const sleeps: number[] = [];
  return {
    maxAttempts: 3,
    maxRateLimitWaitMs: 60_000,
    timeoutMs: 15_000,
    baseDelayMs: 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    now: () => new Date(clock.now),
    random: () => 0.5,
    sleeps,
    clock,
    ...overrides,
  };
}

function attempts(p: RetryPolicy, extra: Partial<Attempts<Failure>> = {}): Attempts<Failure> {
  return { policy: p, deadline: null, classify: (err) => err as Failure, next: (f) => f.next, ...extra };
}

const backoff = (maybeSent: boolean): Failure => ({ next: { retry: "backoff", maybeSent } });

describe("withRetries", () => {
  it("retries a retryable failure with growing, jittered pauses, then gives up with what may have been sent", async () => {
    const p = policy();
    const failures = [backoff(false), backoff(true), backoff(false)];
    const err = await withRetries(async () => Promise.reject(failures.shift()), attempts(p)).catch((e) => e);
    expect(err).toBeInstanceOf(GaveUp);
    expect(err).toMatchObject({ attempts: 3, maybeSent: true, why: "attempts" });
    expect(p.sleeps).toEqual([750, 1_500]);
  });

  it("a network's own error takes GaveUp's place when it gives one, built from what GaveUp knows", async () => {
    class NetworkError extends Error {}
    const never: Failure = { next: { retry: "never", maybeSent: true } };
    const err = await withRetries(
      async () => Promise.reject(never),
      attempts(policy(), { gaveUp: (g) => new NetworkError(`${g.attempts} ${g.why} ${g.maybeSent}`) }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toBe("1 final true");
  });

  it("waits for a rate limit's reset within the longest wait, and gives up beyond it", async () => {
    const p = policy();
    const reset = (inMs: number): Failure => ({ next: { retry: "after", at: new Date(p.clock.now + inMs) } });
    let calls = 0;
    const ok = await withRetries(
      async () => (calls++ === 0 ? Promise.reject(reset(30_000)) : "posted"),
      attempts(p),
    );
    expect(ok).toBe("posted");
    expect(p.sleeps).toEqual([31_000]);
    const err = await withRetries(async () => Promise.reject(reset(61_000)), attempts(p)).catch((e) => e);
    expect(err).toMatchObject({ why: "rate-limit", attempts: 1 });
  });

  it("§8a never runs past the deadline: requests are cut to what is left, a wait that would pass it is not taken", async () => {
    const p = policy();
    const deadline = new Date(p.clock.now + 20_000);
    const timeouts: number[] = [];
    const err = await withRetries(
      async (timeoutMs) => {
        timeouts.push(timeoutMs);
        p.clock.now += timeoutMs;
        return Promise.reject(backoff(true));
      },
      attempts(p, { deadline }),
    ).catch((e) => e);
    expect(timeouts).toEqual([15_000, 4_250]);
    expect(err).toMatchObject({ why: "deadline", maybeSent: true });
    expect(p.clock.now).toBeLessThanOrEqual(deadline.getTime());
  });

  it("§8a a deadline already passed sends nothing at all", async () => {
    const p = policy();
    let called = false;
    const err = await withRetries(
      async () => {
        called = true;
      },
      attempts(p, { deadline: new Date(p.clock.now - 1) }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(DeadlinePassed);
    expect(called).toBe(false);
  });

  it("§8a the fence runs before every attempt; lost after an attempt that may have arrived, the loss is uncertain", async () => {
    const p = policy();
    let fenced = 0;
    const fence = async () => {
      if (++fenced === 2) throw new LeaseLostError("This run lost its lock lease before posting to x.");
    };
    const err = await withRetries(
      async () => Promise.reject(backoff(true)),
      attempts(p, { before: fence }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(LeaseLostError);
    expect(err.uncertain).toBe(true);
    expect(err.message).toMatch(/may have reached the network: the post stays pending/);

    fenced = 1;
    const definite = await withRetries(
      async () => Promise.reject(backoff(false)),
      attempts(p, { before: fence }),
    ).catch((e) => e);
    expect(definite).toBeInstanceOf(LeaseLostError);
    expect(definite.uncertain).toBe(false);
  });
});
