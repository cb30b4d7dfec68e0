// The runs record (the operator's page lists the last runs): one document per real run, the same in
// every store, read back defensively — a record that cannot be read is left out, never a failure.

import type { RunRecord } from "./port.js";

/** Past this many, the oldest runs are dropped: a year of hourly runs. */
export const KEPT_RUNS = 10_000;

/** The MongoDB collection of the runs (the embedded store keeps them in its `runs` table). */
export const RUNS_COLLECTION = "capbot_runs";

const STATUSES: readonly RunRecord["status"][] = ["posted", "partial", "skipped", "error"];

export function runDocument(run: RunRecord): Record<string, unknown> {
  return {
    run_id: run.runId,
    started_at: run.startedAt,
    duration_ms: run.durationMs,
    status: run.status,
    exit_code: run.exitCode,
    pair: run.pair,
    reason: run.reason,
    error: run.error,
    posts: run.posts.map((p) => ({ publisher: p.publisher, status: p.status })),
  };
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export function readRun(doc: Record<string, unknown>): RunRecord | null {
  const startedAt = doc["started_at"];
  const status = doc["status"];
  if (!(startedAt instanceof Date) || Number.isNaN(startedAt.getTime())) return null;
  if (typeof status !== "string" || !STATUSES.includes(status as RunRecord["status"])) return null;
  const posts = Array.isArray(doc["posts"]) ? (doc["posts"] as unknown[]) : [];
  return {
    runId: text(doc["run_id"]) ?? "",
    startedAt,
    durationMs: typeof doc["duration_ms"] === "number" ? doc["duration_ms"] : 0,
    status: status as RunRecord["status"],
    exitCode: typeof doc["exit_code"] === "number" ? doc["exit_code"] : 0,
    pair: text(doc["pair"]),
    reason: text(doc["reason"]),
    error: text(doc["error"]),
    posts: posts.flatMap((p) => {
      if (typeof p !== "object" || p === null) return [];
      const { publisher, status: s } = p as Record<string, unknown>;
      return typeof publisher === "string" && typeof s === "string" ? [{ publisher, status: s }] : [];
    }),
  };
}
