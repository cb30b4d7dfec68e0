// The Store port: everything a run, an import or a report needs from where candles and posts live.
// Adapters: embedded.ts (SQLite file in CAPBOT_DATA_DIR) and mongo.ts (the users' MongoDB). A store
// never decides policy; it answers small questions, and the heavy scan stays inside it.

import type {
  PairPostState,
  PostIntent,
  PostRecord,
  RawCandle,
  Snapshot,
  SnapshotQuery,
} from "../core/types.js";

export type StoreKind = "embedded" | "mongodb";

/** What a publish gave, to be recorded on the intent (SPEC §8.3). */
export interface PostedFields {
  tweetId: string;
  time: Date;
  /** The reply target actually used (null when the thread was restarted). */
  inReplyTo: string | null;
  /** Local publisher: the chart file written beside the outbox. */
  media?: string | null;
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
  markPosted(id: string, fields: PostedFields): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
  markUnknown(id: string, reason: string): Promise<void>;

  /** Takes the lease when free or expired; false when another owner holds it. */
  acquireLock(owner: string, leaseMs: number, now: Date): Promise<boolean>;
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

  /** Store-specific lines of `capbot doctor`. */
  doctor(query: SnapshotQuery, maxDataAgeMs: number | null, now: Date): Promise<Check[]>;

  /**
   * Optional: runs `work` so that its writes are all kept or none is (one transaction). The importer
   * then reads a file once; a store without it gets a two-pass import (check everything, then write).
   */
  atomically?<T>(work: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}
