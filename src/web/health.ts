// /healthz of a standalone `capbot serve`: the runs are other processes' (cron, a timer, GitHub Actions),
// so the facts come from what they recorded in the store — the failures in a row, the runs skipped for
// the lock, the last run, the last post — judged by the same rule as `schedule`'s (src/health.ts).

import type { PostRecord } from "../core/types.js";
import { type Health, type HealthFacts, type HealthLimits, judgeHealth } from "../health.js";
import { LOCK_HELD_REASON } from "../result.js";
import type { RunRecord, Store } from "../store/port.js";
import { sharedFor } from "./cache.js";

/** Enough runs to see any streak /healthz can act on, and posts to find the last one among failures. */
const RUNS_READ = 200;
const POSTS_READ = 200;

async function healthFromStore(store: Store, limits: HealthLimits, now: Date): Promise<Health> {
  const runs = await store.recentRuns(Math.max(RUNS_READ, limits.maxFailures));
  const posts = await store.history({ limit: POSTS_READ });
  return judgeHealth(healthFacts(runs, posts), limits, now);
}

/** `runs` and `posts` newest first. */
export function healthFacts(runs: readonly RunRecord[], posts: readonly PostRecord[]): HealthFacts {
  const failures = runs.findIndex((r) => r.status !== "error");
  const lockedOut = runs.findIndex((r) => !(r.status === "skipped" && r.reason === LOCK_HELD_REASON));
  const streak = lockedOut === -1 ? runs.length : lockedOut;
  const first = streak > 0 ? runs[streak - 1] : undefined;
  const latest = runs[0];
  // A successful post: posted, or a legacy post (no status), as schedule's metrics count them.
  const lastPost = posts.find((p) => p.status === "posted" || p.status === null);
  return {
    consecutiveFailures: failures === -1 ? runs.length : failures,
    skippedForLockSince: first ? finishedAt(first) : null,
    lastRun: latest
      ? { status: latest.status, exitCode: latest.exitCode, finishedAt: finishedAt(latest) }
      : null,
    lastPostAt: lastPost?.time ?? null,
  };
}

function finishedAt(run: RunRecord): Date {
  return new Date(run.startedAt.getTime() + run.durationMs);
}

/** Kept this long: a probe every few seconds reads the store twice a minute at most. */
const HEALTH_TTL_MS = 30_000;

/** /healthz of a standalone page, read from the store (opened read-only each time) and kept a while. */
export function recordedHealth(
  openStore: () => Promise<Store>,
  limits: HealthLimits,
  now: () => Date,
): () => Promise<Health> {
  return sharedFor(HEALTH_TTL_MS, async () => {
    const store = await openStore();
    try {
      return await healthFromStore(store, limits, now());
    } finally {
      await store.close().catch(() => undefined);
    }
  });
}
