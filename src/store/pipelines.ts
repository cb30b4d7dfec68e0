// The MongoDB aggregation pipelines of SPEC §3–5, run by the server so that Node only ever sees a few
// aggregates. They restate the core's rules (core/candles.ts, core/thread.ts) in MQL; the differential
// property test (tests/store/differential.test.ts) runs them under mingo against the core's reference.

import type { Document } from "mongodb";
import { compareMarkets, NUMBER_PATTERN, type WindowBounds, windowBounds } from "../core/candles.js";
import type { MarketAggregate, PairPostState, Snapshot, SnapshotQuery } from "../core/types.js";
import { StoreError } from "../errors.js";

/**
 * Exactly the characters JavaScript's `String.prototype.trim` removes (WhiteSpace and LineTerminator),
 * so that `$trim` agrees with the core; MongoDB's default set differs (it trims NUL, keeps U+FEFF).
 */
export const JS_WHITESPACE =
  "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

/** The largest double: `$lte` against it rejects Infinity (and NaN, which MongoDB orders below every number). */
const MAX_DOUBLE = Number.MAX_VALUE;

const isString = (value: unknown): Document => ({ $eq: [{ $type: value }, "string"] });
const trimmed = (value: unknown): Document => ({ $trim: { input: value, chars: JS_WHITESPACE } });

/** A name trimmed and re-cased when it is a string, else null ($trim fails on anything else). */
function name(field: string, casing: "$toLower" | "$toUpper"): Document {
  return { $cond: [isString(field), { [casing]: trimmed(field) }, null] };
}

/** normaliseCandle's market in MQL: `market_id` trimmed and lower-cased when it is a string, else "". */
const market: Document = {
  $cond: [isString("$market_id"), { $toLower: trimmed("$market_id") }, ""],
};

/**
 * parseNumber in MQL: numbers as they are, strings only when they match the spec's number syntax (so
 * validity never depends on how lenient a server's `$convert` is), anything else null.
 */
function number(field: string): Document {
  const toDouble = { $convert: { input: field, to: "double", onError: null, onNull: null } };
  const matches = { $regexMatch: { input: field, regex: NUMBER_PATTERN } };
  // Nested rather than `$and`-ed: `$regexMatch` throws on a non-string input.
  return {
    $cond: [
      { $isNumber: field },
      toDouble,
      { $cond: [isString(field), { $cond: [matches, toDouble, null] }, null] },
    ],
  };
}

const nonEmpty = (field: string): Document => ({ $and: [isString(field), { $ne: [field, ""] }] });
const finiteAtLeast = (field: string, op: "$gte" | "$gt"): Document => ({
  $and: [{ $isNumber: field }, { [op]: [field, 0] }, { $lte: [field, MAX_DOUBLE] }],
});

/**
 * The candle as the core reads it (names normalised, numbers parsed) plus `valid` (SPEC §3 rule 3). Only
 * these fields go on, so later stages move small documents.
 */
const candleStages: Document[] = [
  {
    $project: {
      _id: 0,
      timestamp: 1,
      venue: name("$marketVenue", "$toLower"),
      symbol: name("$pair_symbol", "$toUpper"),
      base: name("$pair_base", "$toUpper"),
      market,
      volume: number("$volume"),
      close: number("$close"),
    },
  },
  {
    $addFields: {
      valid: {
        $and: [
          nonEmpty("$venue"),
          nonEmpty("$symbol"),
          nonEmpty("$base"),
          finiteAtLeast("$volume", "$gte"),
          finiteAtLeast("$close", "$gt"),
        ],
      },
    },
  },
];

/**
 * Equality match on a server-side index; then an exact re-check, because a query predicate also matches
 * arrays that contain the value, which the core does not count: a granularity that is a string and
 * matched is the one asked for, and a timestamp must be a date itself.
 */
function granularityAndDate(granularity: string, timestamp: Document): Document[] {
  return [
    { $match: { granularity, timestamp } },
    {
      $match: {
        $expr: {
          $and: [isString("$granularity"), { $eq: [{ $type: "$timestamp" }, "date"] }],
        },
      },
    },
  ];
}

/**
 * Which window a candle's time falls in: 0 the window, k its k-th prior window (core/windowBounds). The
 * first $match keeps only times from the last window's start to `to`, so the last window needs no test.
 * Nested `$cond`s rather than `$switch`, whose `then` keys would make each branch a thenable in JS.
 */
function windowIndex(windows: WindowBounds[]): Document | number {
  let index: Document | number = windows.length - 1;
  // Stryker disable next-line ArithmeticOperator: starting higher only adds tests that the first $match already decided.
  for (let k = windows.length - 2; k >= 0; k--) {
    // Stryker disable next-line OptionalChaining: k is always an index of windows.
    const start = new Date(windows[k]?.start ?? 0);
    index = { $cond: [{ $gte: ["$timestamp", start] }, k, index] };
  }
  return index;
}

/** The sums of the windows' entries for window k (0 when the market had no counted candle in it). */
function priorVolume(k: string): Document {
  const entries = { $filter: { input: "$windows", cond: { $eq: ["$$this.window", k] } } };
  return { $sum: { $map: { input: entries, in: "$$this.volume" } } };
}

/**
 * SPEC §3–4 over the window, and §3a's prior windows: one document `{ markets: [...], skipped: [{ n }] }`.
 * The server reads only the windows (the first stage), and one stage buckets each candle by window.
 */
export function snapshotPipeline(q: SnapshotQuery): Document[] {
  const windows = windowBounds(q);
  const prior = windows.length - 1;
  // Stryker disable next-line OptionalChaining: windowBounds always gives the window itself, so windows[prior] exists.
  const start = new Date(windows[prior]?.start ?? q.from.getTime());
  return [
    // First, so that the server reads only the windows through its time index.
    ...granularityAndDate(q.granularity, { $gte: start, $lt: q.to }),
    ...candleStages,
    { $addFields: { window: windowIndex(windows) } },
    {
      $facet: {
        markets: [
          { $match: { valid: true } },
          { $addFields: { pair: { $concat: ["$symbol", "-", "$base"] } } },
          // pickDuplicate's order: larger volume, then larger close, then the smaller symbol.
          { $sort: { volume: -1, close: -1, symbol: 1 } },
          {
            // candleKey: copies share venue, pair, market and time (the granularity is already one), and
            // so also the window.
            $group: {
              _id: { venue: "$venue", pair: "$pair", market: "$market", timestamp: "$timestamp" },
              window: { $first: "$window" },
              symbol: { $first: "$symbol" },
              base: { $first: "$base" },
              volume: { $first: "$volume" },
              close: { $first: "$close" },
            },
          },
          // A market's names come from its smallest symbol spelling, as in snapshotOf.
          { $sort: { symbol: 1 } },
          {
            $group: {
              _id: { pair: "$_id.pair", venue: "$_id.venue", window: "$window" },
              symbol: { $first: "$symbol" },
              base: { $first: "$base" },
              volume: { $sum: "$volume" },
              // Each product held at the largest double, as the core does, so no term is Infinity.
              notional: { $sum: { $min: [{ $multiply: ["$volume", "$close"] }, MAX_DOUBLE] } },
              candles: { $sum: 1 },
            },
          },
          {
            $group: {
              _id: { pair: "$_id.pair", venue: "$_id.venue" },
              windows: {
                $push: {
                  window: "$_id.window",
                  symbol: "$symbol",
                  base: "$base",
                  volume: "$volume",
                  notional: "$notional",
                  candles: "$candles",
                },
              },
            },
          },
          // A market has counted candles in the window itself; prior volume alone does not make one.
          { $match: { "windows.window": 0 } },
          {
            $project: {
              _id: 0,
              pair: "$_id.pair",
              venue: "$_id.venue",
              window: {
                $arrayElemAt: [{ $filter: { input: "$windows", cond: { $eq: ["$$this.window", 0] } } }, 0],
              },
              // Stryker disable next-line ConditionalExpression,EqualityOperator: without prior windows the list is empty, and parseSnapshotDoc does not read it.
              ...(prior > 0
                ? { prior: { $map: { input: { $range: [1, prior + 1] }, as: "k", in: priorVolume("$$k") } } }
                : {}),
            },
          },
          {
            $project: {
              pair: 1,
              venue: 1,
              symbol: "$window.symbol",
              base: "$window.base",
              volume: "$window.volume",
              notional: "$window.notional",
              candles: "$window.candles",
              // Stryker disable next-line ConditionalExpression,EqualityOperator: as above, an empty list no one reads.
              ...(prior > 0 ? { prior: 1 } : {}),
            },
          },
        ],
        // Only the window's own invalid candles are reported (SPEC §3a).
        skipped: [{ $match: { valid: false, window: 0 } }, { $count: "n" }],
      },
    },
  ];
}

/** The newest valid candle of the granularity before `before` (any age): at most one `{ timestamp }`. */
export function newestCandlePipeline(granularity: string, before: Date): Document[] {
  return [
    ...granularityAndDate(granularity, { $lt: before }),
    // Sorted on the indexed field before validation, so the server walks back from `before` and stops
    // at the first valid candle instead of validating the whole history.
    { $sort: { timestamp: -1 } },
    ...candleStages,
    { $match: { valid: true } },
    { $limit: 1 },
    { $project: { timestamp: 1 } },
  ];
}

/** A number as the server returned it: double, Int32/Long/Decimal128 (by their text), or a bigint. */
function toNumber(value: unknown, what: string): number {
  let n = Number.NaN;
  if (typeof value === "number") n = value;
  else if (typeof value === "bigint") n = Number(value);
  else if (typeof value === "object" && value !== null && "_bsontype" in value) n = Number(String(value));
  if (Number.isNaN(n)) throw new StoreError(`The snapshot aggregation returned a malformed ${what}.`);
  // Sums beyond the largest double are held at it, as the core's reference does.
  return Math.min(n, MAX_DOUBLE);
}

function toText(value: unknown, what: string): string {
  if (typeof value !== "string")
    throw new StoreError(`The snapshot aggregation returned a malformed ${what}.`);
  return value;
}

/** A market's prior-window volumes: exactly `count` numbers. */
function toPrior(value: unknown, count: number): number[] {
  if (!Array.isArray(value) || value.length !== count) {
    throw new StoreError("The snapshot aggregation returned a malformed prior-window volume.");
  }
  return value.map((v) => toNumber(v, "prior-window volume"));
}

/**
 * The results of {@link snapshotPipeline} and {@link newestCandlePipeline} as a Snapshot; `priorWindows`
 * as the query asked.
 */
export function parseSnapshotDoc(
  doc: Document | undefined,
  newest: Document | undefined,
  priorWindows = 0,
): Snapshot {
  const rawMarkets: unknown = doc?.["markets"] ?? [];
  const rawSkipped: unknown = doc?.["skipped"] ?? [];
  if (!Array.isArray(rawMarkets) || !Array.isArray(rawSkipped)) {
    throw new StoreError("The snapshot aggregation returned a malformed document.");
  }
  const markets = rawMarkets.map(
    (m: Document): MarketAggregate => ({
      pair: toText(m["pair"], "pair"),
      symbol: toText(m["symbol"], "symbol"),
      base: toText(m["base"], "base"),
      venue: toText(m["venue"], "venue"),
      volume: toNumber(m["volume"], "volume"),
      notional: toNumber(m["notional"], "notional"),
      candles: toNumber(m["candles"], "candle count"),
      ...(priorWindows > 0 ? { prior: toPrior(m["prior"], priorWindows) } : {}),
    }),
  );
  markets.sort(compareMarkets);
  const first: unknown = rawSkipped[0];
  const skippedCandles = first === undefined ? 0 : toNumber((first as Document)["n"], "skipped count");
  const newestAt: unknown = newest?.["timestamp"];
  if (newestAt !== undefined && !(newestAt instanceof Date)) {
    throw new StoreError("The newest-candle aggregation returned a malformed timestamp.");
  }
  return { markets, skippedCandles, newestCandleAt: newestAt ?? null };
}

/** normalisePost's pair: a legacy array gives its first element; trimmed, upper-cased; null when none. */
const postPair: Document = {
  $let: {
    vars: { p: { $cond: [{ $isArray: "$pair" }, { $arrayElemAt: ["$pair", 0] }, "$pair"] } },
    in: {
      $cond: [
        isString("$$p"),
        {
          $let: {
            vars: { t: trimmed("$$p") },
            in: { $cond: [{ $eq: ["$$t", ""] }, null, { $toUpper: "$$t" }] },
          },
        },
        null,
      ],
    },
  },
};

/** normalisePost's publisher: a non-empty trimmed string, else `x` (legacy posts were made on X). */
const postPublisher: Document = {
  $let: {
    vars: { t: { $cond: [isString("$publisher"), trimmed("$publisher"), ""] } },
    in: { $cond: [{ $eq: ["$$t", ""] }, "x", "$$t"] },
  },
};

/**
 * normalisePost's tweet id as a string: trimmed strings; integers as their digits (a double through
 * `long`, so that a large id is written out in full rather than in exponent form); anything else null.
 */
const postTweetId: Document = {
  $let: {
    vars: { v: "$tweet_id" },
    in: {
      $cond: [
        isString("$$v"),
        { $let: { vars: { t: trimmed("$$v") }, in: { $cond: [{ $eq: ["$$t", ""] }, null, "$$t"] } } },
        {
          $cond: [
            { $in: [{ $type: "$$v" }, ["int", "long"]] },
            { $toString: "$$v" },
            {
              $cond: [
                { $and: [{ $eq: [{ $type: "$$v" }, "double"] }, { $eq: ["$$v", { $trunc: ["$$v", 0] }] }] },
                { $toString: { $convert: { input: "$$v", to: "long", onError: null } } },
                null,
              ],
            },
          ],
        },
      ],
    },
  },
};

/** Counting statuses (SPEC §5); in a query, `null` also matches a missing field (legacy posts). */
const countingStatus = { $in: [null, "posted", "unknown"] };

/** SPEC §5 and §7 per pair: `{ pair, lastPostedAt, lastText, threadTip, tipThread }`, sorted by pair. */
export function postStatesPipeline(publisher: string): Document[] {
  return [
    // Only counting posts with a date matter; an unknown status makes a post unreadable (normalisePost).
    { $match: { time: { $type: "date" }, status: countingStatus } },
    {
      $project: {
        time: 1,
        pair: postPair,
        publisher: postPublisher,
        tweetId: postTweetId,
        // normalisePost's text: a string, else "".
        text: { $cond: [isString("$tweet_text"), "$tweet_text", ""] },
        // normalisePost's thread: a plain object, else null.
        thread: { $cond: [{ $eq: [{ $type: "$thread" }, "object"] }, "$thread", null] },
        // `unknown` counts for choosing but its id is never trusted as a reply target.
        threadable: { $in: [{ $ifNull: ["$status", null] }, [null, "posted"]] },
      },
    },
    { $match: { pair: { $ne: null } } },
    // Latest first; on equal times the larger id, as postStates breaks ties.
    { $sort: { time: -1, _id: -1 } },
    {
      $group: {
        _id: "$pair",
        lastPostedAt: { $first: "$time" },
        lastText: { $first: "$text" },
        tips: {
          $push: {
            $cond: [
              { $and: [{ $eq: ["$publisher", publisher] }, "$threadable", { $ne: ["$tweetId", null] }] },
              { id: "$tweetId", thread: "$thread" },
              null,
            ],
          },
        },
      },
    },
    {
      $project: {
        _id: 0,
        pair: "$_id",
        lastPostedAt: 1,
        lastText: 1,
        tip: {
          $ifNull: [
            { $arrayElemAt: [{ $filter: { input: "$tips", cond: { $ne: ["$$this", null] } } }, 0] },
            null,
          ],
        },
      },
    },
    { $sort: { pair: 1 } },
  ];
}

/** Reads the documents of {@link postStatesPipeline}. */
export function parsePostStates(docs: Document[]): PairPostState[] {
  return docs.map((d) => {
    const { pair, lastPostedAt, lastText, tip } = d;
    const tipId: unknown = tip?.id ?? null;
    const tipThread: unknown = tip?.thread ?? null;
    if (
      typeof pair !== "string" ||
      !(lastPostedAt instanceof Date) ||
      typeof lastText !== "string" ||
      !(tipId === null || typeof tipId === "string") ||
      // A plain object or null (no thread): typeof says "object" for both.
      !(typeof tipThread === "object" && !Array.isArray(tipThread))
    ) {
      throw new StoreError("The post-states aggregation returned a malformed document.");
    }
    return {
      pair,
      lastPostedAt,
      lastText,
      threadTip: tipId,
      tipThread: tipThread as Record<string, unknown> | null,
    };
  });
}

/** The daily budget (SPEC §8): counting posts of `publisher` since `since`, for `countDocuments`. */
export function countingPostsFilter(publisher: string, since: Date): Document {
  return {
    time: { $gte: since },
    status: countingStatus,
    $expr: { $and: [{ $eq: [postPublisher, publisher] }, { $ne: [postPair, null] }] },
  };
}
