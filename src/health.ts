// /healthz's verdict (SPEC §8a), one rule for both servers that answer it: `schedule`'s metrics server,
// from the runs of its own process, and the operator's page of `capbot serve`, from the runs the store
// recorded. Unhealthy after too many failed runs in a row, or when runs have been skipped for the lock
// for longer than two leases (a lock nobody gives back).

import type { RunStatus } from "./result.js";

/** What the verdict is made from. */
export interface HealthFacts {
  consecutiveFailures: number;
  /** Since when every run has been skipped because another run holds the lock, or null. */
  skippedForLockSince: Date | null;
  lastRun: { status: RunStatus; exitCode: number | null; finishedAt: Date } | null;
  /** The latest successful post on any publisher. */
  lastPostAt: Date | null;
}

export interface HealthLimits {
  /** Unhealthy once this many runs in a row have failed. */
  maxFailures: number;
  lockLeaseMs: number;
}

export interface Health {
  ok: boolean;
  body: {
    status: "ok" | "failing" | "locked-out";
    consecutiveFailures: number;
    maxFailures: number;
    skippedForLockSince: string | null;
    lastRun: { status: RunStatus; exitCode: number | null; finishedAt: string } | null;
    lastPostAt: string | null;
  };
}

export function judgeHealth(facts: HealthFacts, limits: HealthLimits, now: Date): Health {
  const failing = facts.consecutiveFailures >= limits.maxFailures;
  const since = facts.skippedForLockSince;
  // A lock nobody releases (a stuck run, a hand-made lock) must not look healthy for ever.
  const lockedOut = since !== null && now.getTime() - since.getTime() > 2 * limits.lockLeaseMs;
  const lastRun = facts.lastRun;
  return {
    ok: !failing && !lockedOut,
    body: {
      status: failing ? "failing" : lockedOut ? "locked-out" : "ok",
      consecutiveFailures: facts.consecutiveFailures,
      maxFailures: limits.maxFailures,
      skippedForLockSince: since?.toISOString() ?? null,
      lastRun: lastRun === null ? null : { ...lastRun, finishedAt: lastRun.finishedAt.toISOString() },
      lastPostAt: facts.lastPostAt?.toISOString() ?? null,
    },
  };
}
