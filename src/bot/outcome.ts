// What a run amounts to (SPEC §9): the result it starts from, and its status and exit code once every
// publisher has had its turn — posted when all posted, partial when some posted and some failed (exit
// 4), error when none posted and some failed (exit 4), skipped when nothing was attempted (exit 0).

import type { Config } from "../config.js";
import { EXIT } from "../errors.js";
import type { PostOutcome, RunResult } from "../result.js";

export function emptyResult(
  config: Config,
  runId: string,
  asOf: Date,
  from: Date,
  publisher: RunResult["publisher"],
): RunResult {
  return {
    status: "error",
    pair: null,
    text: null,
    inReplyTo: null,
    postId: null,
    publisher,
    rankBy: config.rankBy,
    asOf: asOf.toISOString(),
    window: { from: from.toISOString(), to: asOf.toISOString() },
    granularity: config.granularity,
    candidates: [],
    venues: [],
    posts: [],
    anomalies: [],
    skippedCandles: 0,
    unpricedPairs: 0,
    runId,
    exitCode: 0,
    warnings: [],
  };
}

/** The run's status, exit code and first-publisher fields from what happened on each publisher. */
export function settle(result: RunResult, posts: PostOutcome[]): RunResult {
  const first = posts[0];
  const settled: RunResult = {
    ...result,
    posts,
    // Stryker disable next-line OptionalChaining: a run has at least one publisher (CycleDeps.publishers), and posts holds one outcome for each
    postId: first?.postId ?? null,
    inReplyTo: first ? first.inReplyTo : result.inReplyTo,
  };
  const posted = posts.filter((p) => p.status === "posted");
  const failed = posts.filter((p) => p.status === "failed" || p.status === "pending");
  // With several publishers, each failure says where it happened (a failed or pending post has its error).
  const where = (p: PostOutcome) => (posts.length > 1 ? `${p.publisher}: ` : "");
  const failures = failed.map((p) => `${where(p)}${p.error}`).join(" ");
  if (failed.length === 0 && posted.length > 0) return { ...settled, status: "posted", exitCode: EXIT.ok };
  if (failed.length > 0) {
    return {
      ...settled,
      status: posted.length > 0 ? "partial" : "error",
      error: failures,
      exitCode: EXIT.publish,
    };
  }
  // Every post here was skipped, and a skipped post always has its reason.
  const reasons = [...new Set(posts.map((p) => p.reason))];
  return {
    ...settled,
    status: "skipped",
    skippedFor: "budget",
    reason: reasons.join("; "),
    exitCode: EXIT.ok,
  };
}
