// The Store port: everything a run, an import or a report needs from where candles and posts live.
// Adapters: embedded.ts (SQLite file in CAPBOT_DATA_DIR) and mongo.ts (the users' MongoDB). A store
// never decides policy; it answers small questions, and the heavy scan stays inside it.

import type {
  PairPostState,
  PostIntent,
  PostRecord,
  PostStatus,
  RawCandle,
  Snapshot,
  SnapshotQuery,
} from "../core/types.js";

import type { LockInfo } from "./lease.js";

export type StoreKind = "embedded" | "mongodb";

/** What a publish gave, to be recorded on the intent (SPEC §8.3). */
export interface PostedFields {
  tweetId: string;
  time: Date;
  /** The reply target actually used (null when the thread was restarted). */
  inReplyTo: string | null;
  /** Local publisher: the chart file written beside the outbox; a network: the uploaded media id. */
  media?: string | null;
  /** What a network needs beyond the id to reply to this post later (SPEC §7). */
  thread?: Record<string, unknown> | null;
  /** The post's web address, when the network gave one. */
  url?: string | null;
}

/** One run as the operator's page lists it: what it did, how long it took, what stopped it. */
export interface RunRecord {
  runId: string;
  startedAt: Date;
  durationMs: number;
  status: "posted" | "partial" | "skipped" | "error";
  exitCode: number;
  pair: string | null;
  reason: string | null;
  error: string | null;
  /** What happened on each publisher. */
  posts: { publisher: string; status: string }[];
}

export interface HistoryQuery {
  pair?: string | null;
  limit: number;
}

/** One line of `capbot doctor` (✔ or ✘ with a one-line fix). */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix?: string;
  /** The exit code of this kind of failure (SPEC §9). */
  exitCode?: number;
  /** Passed, but worth the operator's attention (shown with its fix; the exit code stays 0). */
  warning?: boolean;
}

export interface Store {
  readonly kind: StoreKind;

  /**
   * SPEC §3: per pair and venue over the window's counted candles; skipped count; newest candle. SPEC
   * §3a: with `priorWindows`, also each market's volume in each of that many earlier windows.
   */
  snapshot(query: SnapshotQuery): Promise<Snapshot>;
  /** SPEC §5, §7: per pair, its last counting post (any publisher) and its thread tip for `publisher`. */
  postStates(publisher: string): Promise<PairPostState[]>;
  /** Counting posts by `publisher` with time >= since (the daily budget). */
  countPostsSince(publisher: string, since: Date): Promise<number>;
  /** Every intent still `pending`. */
  pendingIntents(): Promise<PostRecord[]>;

  /** Inserts the intent durably and returns its id. */
  insertIntent(intent: PostIntent): Promise<string>;
  /**
   * Records a publish's outcome (SPEC §8, §8a). A `pending` intent — with `owner`, only that run's —
   * becomes `posted`. A post that exists wins over a `failed` or `unknown` written by a reconciler: that
   * intent becomes `posted` too. An intent already `posted` is left as it is. Returns the status the
   * intent had (so the run can warn when it overrode a reconciler), or null when there is no such intent.
   */
  markPosted(id: string, fields: PostedFields, owner?: string): Promise<PostStatus | null>;
  /** A definite failure, recorded only while the intent is `pending` (with `owner`, that run's). */
  markFailed(id: string, error: string, owner?: string): Promise<void>;
  /** Recorded only while the intent is `pending`. */
  markUnknown(id: string, reason: string): Promise<void>;

  /**
   * Takes the lease when free, expired, further ahead than one lease, or already ours (SPEC §8a); false
   * when another owner holds it.
   */
  acquireLock(owner: string, leaseMs: number, now: Date): Promise<boolean>;
  /** Extends the lease while `owner` still holds it unexpired; false when the lease was lost. */
  renewLock(owner: string, leaseMs: number, now: Date): Promise<boolean>;
  /** The lock as it stands (null when free); throws StoreError when it cannot be read. */
  lockInfo(): Promise<LockInfo | null>;
  releaseLock(owner: string): Promise<void>;

  /** Keeps documents as they are (bad values are data); returns how many were stored. */
  insertCandles(docs: RawCandle[]): Promise<number>;
  insertPosts(docs: Record<string, unknown>[]): Promise<number>;
  /** Number of candle documents (an empty embedded store gets the demo data). */
  countCandles(): Promise<number>;
  /** Removes every candle and post (the demo refill of the embedded store). */
  clear(): Promise<void>;

  /** Posts, newest first. */
  history(query: HistoryQuery): Promise<PostRecord[]>;

  /** Keeps a real run's summary (dry runs write nothing); the oldest are dropped past a few thousand. */
  recordRun(run: RunRecord): Promise<void>;
  /** The last runs, newest first. */
  recentRuns(limit: number): Promise<RunRecord[]>;

  /** Store-specific lines of `capbot doctor`. */
  doctor(query: SnapshotQuery, maxDataAgeMs: number | null, now: Date): Promise<Check[]>;

  /**
   * Optional: runs `work` so that its writes are all kept or none is (one transaction). The importer
   * then reads a file once; a store without it gets a two-pass import (check everything, then write).
   */
  atomically?<T>(work: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}
