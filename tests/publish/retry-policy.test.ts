// What the retry loop takes from outside (retry.ts): the policy a network's settings and the test seams
// make — the real world's timer, clock and jitter when no seam replaces them — and the log line an
// operator reads for every wait before a retry.

import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { logWaits, type RetryPolicy, retryPolicy, withRetries } from "../../src/publish/retry.js";
import { runawayFence } from "./runaway.js";

const SETTINGS = { timeoutMs: 15_000, maxAttempts: 2, maxRateLimitWaitMs: 60_000 };

/** Two attempts of a call whose first fails with a backoff: the one wait it asked for. */
async function firstBackoff(policy: RetryPolicy): Promise<void> {
  let calls = 0;
  await withRetries(async () => (calls++ === 0 ? Promise.reject(new Error("503")) : "ok"), {
    policy,
    deadline: null,
    classify: () => ({ said: "503" }),
    next: () => ({ retry: "backoff", maybeSent: false }),
    gaveUp: () => new Error("gave up"),
    before: runawayFence(),
  });
}

describe("retryPolicy", () => {
  it("the seams replace the timer, the clock and the jitter", async () => {
    const sleeps: number[] = [];
    const at = new Date("2026-03-02T12:00:00Z");
    const policy = retryPolicy(SETTINGS, {
      sleep: async (ms) => void sleeps.push(ms),
      now: () => at,
      random: () => 0,
    });
    await firstBackoff(policy);
    // The first backoff is 1 s jittered into its upper half: 0.5 s with no jitter at all.
    expect(sleeps).toEqual([500]);
    expect(policy.now()).toBe(at);
  });

  it("without seams: a real wait, the current time, and a jitter within the backoff's upper half", async () => {
    const policy = retryPolicy(SETTINGS);
    const started = performance.now();
    let stuck: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      policy.sleep(20).then(() => "slept"),
      new Promise((resolve) => {
        stuck = setTimeout(resolve, 2_000, "stuck");
      }),
    ]);
    clearTimeout(stuck);
    expect(outcome).toBe("slept");
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
    expect(Math.abs(policy.now().getTime() - Date.now())).toBeLessThan(1_000);

    const sleeps: number[] = [];
    await firstBackoff({ ...policy, sleep: async (ms) => void sleeps.push(ms) });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(1_000);
  });
});

describe("logWaits", () => {
  it("one warning per wait: a rate limit's reset, or the failure being retried and the pause", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { base: undefined, timestamp: false },
      { write: (l: string) => void lines.push(JSON.parse(l)) },
    );
    const onWait = logWaits<{ said: string; resetAt?: Date | null }>(
      logger,
      "Mastodon",
      "posting the status",
    );

    onWait({
      attempt: 1,
      waitMs: 31_000,
      failure: { said: "429 Too Many Requests", resetAt: new Date("2026-03-02T12:00:30Z") },
      rateLimited: true,
    });
    onWait({ attempt: 2, waitMs: 1_500, failure: { said: "503 Service Unavailable" }, rateLimited: false });

    expect(lines).toEqual([
      {
        level: 40,
        action: "posting the status",
        attempt: 1,
        waitMs: 31_000,
        resetAt: "2026-03-02T12:00:30.000Z",
        msg: "Mastodon rate limit reached; waiting for its reset",
      },
      {
        level: 40,
        action: "posting the status",
        attempt: 2,
        delayMs: 1_500,
        reason: "503 Service Unavailable",
        msg: "Mastodon call failed; retrying",
      },
    ]);
  });
});
