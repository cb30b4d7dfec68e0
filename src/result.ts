// The outcome of one `capbot run`: what `--json` prints (SPEC §9), what the summary event logs, what
// the GitHub step summary, the metrics and the page are made from. One definition, shared by every reporter.

import type { Anomaly, PublisherName, RankBy } from "./core/types.js";

export type RunStatus = "posted" | "partial" | "dry-run" | "skipped" | "error";

/** The reason of a run skipped because another run holds the lock: how a recorded run says so. */
export const LOCK_HELD_REASON = "another capbot run holds the lock";

/** What happened on one publisher (SPEC §9 `posts[]`). */
export interface PostOutcome {
  publisher: PublisherName;
  /** `pending`: the post may be out; the next run reconciles it. `skipped`: not attempted (see reason). */
  status: "posted" | "failed" | "pending" | "skipped";
  postId: string | null;
  /** The reply target used (or, in a dry run or when skipped, the one that would be used). */
  inReplyTo: string | null;
  url: string | null;
  /** When failed or pending: what went wrong, in one sentence. */
  error?: string;
  /** When skipped: why (a dry run, the daily budget, the lease lost before this publisher). */
  reason?: string;
  /** Not in the JSON: local publisher's chart file, or the network's media id. */
  media?: string | null;
}

export interface RunResult {
  status: RunStatus;
  pair: string | null;
  text: string | null;
  /** The first publisher's reply target and post id (SPEC §9: with one publisher, the only one). */
  inReplyTo: string | null;
  postId: string | null;
  publisher: PublisherName;
  rankBy: RankBy;
  asOf: string;
  window: { from: string; to: string };
  granularity: string;
  /** In rank order. */
  candidates: { pair: string; metric: number; lastPostedAt: string | null; reason?: string }[];
  /** All venues of the pair with volume, by volume. */
  venues: { venue: string; label: string; volume: number; share: number }[];
  /** One per publisher, in the order they were published to. */
  posts: PostOutcome[];
  /** The anomaly guard's exclusions and holds (SPEC §3a). */
  anomalies: Anomaly[];
  skippedCandles: number;
  unpricedPairs: number;
  /** When skipped. */
  reason?: string;
  /** Not in the JSON: why the whole run was skipped — the lock held by another run, or every budget used up. */
  skippedFor?: "lock" | "budget";
  /** When error or partial. */
  error?: string;
  /** Not in SPEC's object; extra fields a reader may use: the run's id and the exit code. */
  runId: string;
  exitCode: number;
  /** Things that went wrong without stopping the post (thread restarted, chart upload failed). */
  warnings: string[];
  /** The post's printed lines (for the chart of `preview --chart`); not part of the JSON output. */
  lines?: { label: string; text: string; hundredths: number }[];
  /** Things a person should know that are not problems (the demo data was loaded). */
  notices?: string[];
}
