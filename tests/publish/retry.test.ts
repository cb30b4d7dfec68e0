// The retry loop every network shares (SPEC §8a, §9): waits within the limits, never past the publish's
// deadline, and a lost lease after a send that may have arrived is uncertain, never a definite failure.

import { describe, expect, it } from "vitest";
import { LeaseLostError } from "../../src/errors.js";
import {
  type Attempts,
  DeadlinePassed,
  type GaveUp,
  type Next,
  type RetryPolicy,
  withRetries,
} from "../../src/publish/retry.js";
import { runawayFence } from "./runaway.js";

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

/** What a network would throw once retrying is over: here, an error carrying all that the loop knew. */
class NetworkGaveUp extends Error {
  constructor(readonly gaveUp: GaveUp<Failure>) {
    super(`gave up (${gaveUp.why})`);
  }
}

function attempts(p: RetryPolicy, extra: Partial<Attempts<Failure>> = {}): Attempts<Failure> {
  return {
    policy: p,
    deadline: null,
    classify: (err) => err as Failure,
    next: (f) => f.next,
    gaveUp: (g) => new NetworkGaveUp(g),
    before: runawayFence(),
    ...extra,
  };
}

/** What the loop gave up with, from a call that must fail. */
async function gaveUp(run: Promise<unknown>): Promise<Omit<GaveUp<Failure>, "failure">> {
  const err = await run.then(
    () => expect.unreachable("the call succeeded"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NetworkGaveUp);
  const { failure: _failure, ...known } = (err as NetworkGaveUp).gaveUp;
  return known;
}

const backoff = (maybeSent: boolean): Failure => ({ next: { retry: "backoff", maybeSent } });

describe("withRetries", () => {
  it("retries a retryable failure with growing, jittered pauses, then gives up with what may have been sent", async () => {
    const p = policy();
    const failures = [backoff(false), backoff(true), backoff(false)];
    const known = await gaveUp(withRetries(async () => Promise.reject(failures.shift()), attempts(p)));
    expect(known).toEqual({ attempts: 3, maybeSent: true, why: "attempts" });
    expect(p.sleeps).toEqual([750, 1_500]);
  });

  it("the network's own error is thrown, made from the last failure and what the loop knows", async () => {
    const never: Failure = { next: { retry: "never", maybeSent: true } };
    const err = await withRetries(async () => Promise.reject(never), attempts(policy())).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkGaveUp);
    expect(err.gaveUp).toEqual({ failure: never, attempts: 1, maybeSent: true, why: "final" });
  });

  it("a failure no retry can change ends at once, and is definite when no attempt may have arrived", async () => {
    const p = policy();
    const refused: Failure = { next: { retry: "never", maybeSent: false } };
    const known = await gaveUp(withRetries(async () => Promise.reject(refused), attempts(p)));
    expect(known).toEqual({ attempts: 1, maybeSent: false, why: "final" });
    expect(p.sleeps).toEqual([]);
  });

  it("a rate limit took nothing: waiting for it leaves the call definite", async () => {
    const p = policy({ maxAttempts: 2 });
    const limited: Failure = { next: { retry: "after", at: new Date(p.clock.now + 5_000) } };
    const known = await gaveUp(withRetries(async () => Promise.reject(limited), attempts(p)));
    expect(known).toEqual({ attempts: 2, maybeSent: false, why: "attempts" });
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
    const known = await gaveUp(withRetries(async () => Promise.reject(reset(61_000)), attempts(p)));
    expect(known).toMatchObject({ why: "rate-limit", attempts: 1 });
  });

  it("a reset exactly the longest wait away is waited for; one whose time is unknown is not", async () => {
    const p = policy();
    let calls = 0;
    const atTheLimit: Failure = { next: { retry: "after", at: new Date(p.clock.now + 60_000) } };
    const ok = await withRetries(
      async () => (calls++ === 0 ? Promise.reject(atTheLimit) : "posted"),
      attempts(p),
    );
    expect(ok).toBe("posted");
    expect(p.sleeps).toEqual([61_000]);

    const unknown: Failure = { next: { retry: "after", at: null } };
    const known = await gaveUp(withRetries(async () => Promise.reject(unknown), attempts(p)));
    expect(known).toEqual({ attempts: 1, maybeSent: false, why: "rate-limit" });
    expect(p.sleeps).toEqual([61_000]);
  });

  it("every wait is told before it is taken, a rate limit's as one", async () => {
    const p = policy();
    const failures: Failure[] = [
      backoff(false),
      { next: { retry: "after", at: new Date(p.clock.now + 30_000) } },
    ];
    const waits: unknown[] = [];
    await withRetries(
      async () => (failures.length > 0 ? Promise.reject(failures.shift()) : "posted"),
      attempts(p, {
        onWait: ({ attempt, waitMs, rateLimited }) => waits.push({ attempt, waitMs, rateLimited }),
      }),
    );
    expect(waits).toEqual([
      { attempt: 1, waitMs: 750, rateLimited: false },
      { attempt: 2, waitMs: 30_250, rateLimited: true },
    ]);
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
    expect(err.gaveUp).toMatchObject({ why: "deadline", maybeSent: true });
    expect(p.clock.now).toBeLessThanOrEqual(deadline.getTime());
  });

  it("§8a exactly the shortest attempt's time left is enough: for an attempt, and after a wait", async () => {
    const p = policy();
    // 1.75 s: the first attempt, a 0.75 s backoff, then a second attempt with exactly 1 s left.
    const deadline = new Date(p.clock.now + 1_750);
    const timeouts: number[] = [];
    const known = await gaveUp(
      withRetries(
        async (timeoutMs) => {
          timeouts.push(timeoutMs);
          return Promise.reject(backoff(false));
        },
        attempts(p, { deadline }),
      ),
    );
    expect(timeouts).toEqual([1_750, 1_000]);
    expect(p.sleeps).toEqual([750]);
    expect(known).toEqual({ attempts: 2, maybeSent: false, why: "deadline" });
  });

  it("§8a a wait that ends late, past the last moment for another attempt: the call ends as it stood, not as never sent", async () => {
    const p = policy();
    const deadline = new Date(p.clock.now + 1_750);
    // A timer fires a little after it was asked to: 1 ms late leaves 999 ms, too little for an attempt.
    const late: RetryPolicy = {
      ...p,
      sleep: async (ms) => {
        p.clock.now += ms + 1;
      },
    };
    const known = await gaveUp(
      withRetries(async () => Promise.reject(backoff(true)), attempts(late, { deadline })),
    );
    expect(known).toEqual({ attempts: 1, maybeSent: true, why: "deadline" });
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
