// The outcome of one `capbot run`: what `--json` prints (SPEC §9), what the summary event logs, what
// the GitHub step summary and the metrics are made from. One definition, shared by every reporter.

import type { Anomaly, PublisherName, RankBy } from "./core/types.js";

export type RunStatus = "posted" | "dry-run" | "skipped" | "error";

export interface RunResult {
  status: RunStatus;
  pair: string | null;
  text: string | null;
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
  /** The anomaly guard's exclusions and holds (SPEC §3a). */
  anomalies: Anomaly[];
  skippedCandles: number;
  unpricedPairs: number;
  /** When skipped. */
  reason?: string;
  /** When error. */
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
  /** Local publisher: path of the chart written beside the outbox; X: the uploaded media id. */
  media?: string | null;
}
