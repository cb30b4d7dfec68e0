// The domain's data, as plain types shared by the core, the stores, the publishers and the shell.
// Nothing here does anything; every module that decides or moves data speaks in these terms.

export type RankBy = "usd" | "quote" | "volume";
/** The networks capbot publishes to, in the order a run publishes (SPEC §9). */
export const NETWORKS = ["x", "bluesky", "mastodon", "telegram"] as const;
export type Network = (typeof NETWORKS)[number];
/** A network, or `local`: the outbox file for trying capbot without an account. */
export type PublisherName = Network | "local";
export const PUBLISHER_NAMES: readonly PublisherName[] = [...NETWORKS, "local"];

/** `pending` → `posted` | `failed`; `unknown` when a dead intent cannot be checked (SPEC §8). */
export type PostStatus = "pending" | "posted" | "failed" | "unknown";

/** The statuses that count as posted for choosing and for the budget; `null` is a legacy post. */
export const COUNTING_STATUSES: readonly (PostStatus | null)[] = [null, "posted", "unknown"];

/** A candle as it really arrives from a store or a file: anything at all. */
export type RawCandle = Record<string, unknown>;

/** A candle that passed the validity rule (SPEC §3.3), with its names normalised (SPEC §2). */
export interface Candle {
  timestamp: Date;
  /** Lower-cased, trimmed `marketVenue`. */
  venue: string;
  /** Upper-cased, trimmed `pair_symbol`. */
  symbol: string;
  /** Upper-cased, trimmed `pair_base` — the quote currency of the pair. */
  base: string;
  /** `SYMBOL-BASE`. */
  pair: string;
  /**
   * Lower-cased, trimmed `market_id`, or "" when it is not a string: which of a venue's markets for the
   * pair (spot, futures) the candle belongs to. Part of the duplicate key only, never of validity.
   */
  market: string;
  granularity: string;
  volume: number;
  close: number;
}

/** What a run asks the store for. The window is [from, to). */
export interface SnapshotQuery {
  granularity: string;
  from: Date;
  to: Date;
  /**
   * How many windows of the window's length just before it to sum as well (SPEC §3a): prior window k
   * (1..n) is [from − k·len, from − (k−1)·len). Absent or 0: none.
   */
  priorWindows?: number;
}

/** One pair on one venue, over the counted candles of the window (duplicates already removed). */
export interface MarketAggregate {
  pair: string;
  symbol: string;
  base: string;
  venue: string;
  /** Σ volume, base units. */
  volume: number;
  /** Σ volume × close, quote-currency units. */
  notional: number;
  /** Candles counted after removing duplicates. */
  candles: number;
  /**
   * Σ volume of the counted candles of this pair and venue in each prior window, by the window's rules:
   * `prior[k − 1]` is prior window k. Present, of length n, exactly when the query asked for n > 0.
   */
  prior?: number[];
}

/** The one small answer a store gives a run about candles (SPEC §3). */
export interface Snapshot {
  /** Sorted by pair, then venue. */
  markets: MarketAggregate[];
  /** Candles of the granularity inside the window that failed the validity rule. */
  skippedCandles: number;
  /** Newest valid candle of the granularity with timestamp < `to` (any age), for the staleness guard. */
  newestCandleAt: Date | null;
}

/** A post document as capbot understands it, legacy or its own (SPEC §1, §8). */
export interface PostRecord {
  /** The store's own id of the document (ObjectId hex for MongoDB). */
  id: string;
  time: Date;
  /** Normalised: legacy arrays give their first element; upper-cased and trimmed. */
  pair: string;
  tweetText: string;
  /** Always a string when present (legacy numbers converted); null when absent or empty. */
  tweetId: string | null;
  inReplyTo: string | null;
  /** Legacy posts without `publisher` were made on `x`. */
  publisher: string;
  /** `null` for a legacy post (no status field). */
  status: PostStatus | null;
  runId: string | null;
  error: string | null;
  /** Local publisher: the chart file beside the outbox, when one was written. */
  media?: string | null;
  /**
   * What a network needs beyond the id to reply to this post (Bluesky: the root's and this post's `uri`
   * and `cid`), as the publisher returned it (SPEC §7); null when none.
   */
  thread: Record<string, unknown> | null;
  /** The post's web address as the network gave it, when it gave one (Mastodon); null otherwise. */
  url: string | null;
}

/** Per pair, what the posts say (SPEC §5, §7). */
export interface PairPostState {
  pair: string;
  /** Latest `time` of the pair's counting posts (any publisher), or null. */
  lastPostedAt: Date | null;
  /** `tweet_text` of that latest counting post (any publisher): the same text is never posted twice in a row. */
  lastText: string | null;
  /** `tweet_id` of the pair's latest counting post by the given publisher with a non-empty id. */
  threadTip: string | null;
  /** The `thread` field of that post (what a network needs beyond the id to reply), or null. */
  tipThread: Record<string, unknown> | null;
}

/** A new post about to be published: the intent of SPEC §8.1. */
export interface PostIntent {
  time: Date;
  pair: string;
  tweetText: string;
  inReplyTo: string | null;
  publisher: PublisherName;
  runId: string;
}

/** A ranked pair (SPEC §4). */
export interface Candidate {
  pair: string;
  metric: number;
  lastPostedAt: Date | null;
  /** Why the pair may not be posted this run (held, too few venues, unchanged: SPEC §5); absent when it may. */
  reason?: string;
}

/**
 * A venue the anomaly guard (SPEC §3a) found on a pair: a price outlier is excluded from the pair's
 * figures, a volume spike holds the pair for the run.
 */
export interface Anomaly {
  pair: string;
  venue: string;
  kind: "price-outlier" | "volume-spike";
  action: "excluded" | "held";
  /** The figures, for a person: the VWAP, the median, the deviation and the limit; or the volumes and the factor. */
  detail: string;
}

/** One venue's line in the result (SPEC §9 `venues`): all venues with volume, by volume. */
export interface VenueShare {
  venue: string;
  label: string;
  volume: number;
  /** volume / pair volume, unrounded, in [0, 1]. */
  share: number;
}
