// Which candles count (SPEC §2, §3, §3a): reading numbers however they were stored, the validity rule,
// the names, duplicates, the window and its prior windows, and the reference snapshot in memory that
// every store must reproduce.

import { exactSum } from "./exact.js";
import { compareText } from "./order.js";
import type { Candle, MarketAggregate, RawCandle, Snapshot, SnapshotQuery } from "./types.js";

/** SPEC §3's plain decimal number; also usable as a MongoDB `$regexMatch` pattern. */
export const NUMBER_PATTERN = "^[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?$";
const NUMBER_RE = new RegExp(NUMBER_PATTERN);

/** The BSON number classes of the mongodb driver, recognised by their `_bsontype` tag. */
const BSON_NUMBER_TYPES = new Set(["Decimal128", "Long", "Int32", "Double"]);
/** Extended JSON v2 wrappers of numbers (as `capbot import` may meet them without a BSON parser). */
const EJSON_NUMBER_KEYS = ["$numberDecimal", "$numberLong", "$numberDouble", "$numberInt"];

function parseNumberText(text: string): number | null {
  if (!NUMBER_RE.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** A finite number read from a stored value, or null when the value is not a plain number. */
export function parseNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof value === "string") return parseNumberText(value);
  if (typeof value !== "object" || value === null) return null;
  const tagged = value as { _bsontype?: unknown; toString?: unknown };
  if (typeof tagged._bsontype === "string") {
    if (!BSON_NUMBER_TYPES.has(tagged._bsontype) || typeof tagged.toString !== "function") return null;
    const text: unknown = tagged.toString();
    return typeof text === "string" ? parseNumberText(text) : null;
  }
  const keys = Object.keys(value);
  const key = keys[0];
  if (
    keys.length !== 1 ||
    // Stryker disable next-line ConditionalExpression: one key means keys[0] is defined; the check is for the type checker
    key === undefined ||
    !EJSON_NUMBER_KEYS.includes(key)
  )
    return null;
  const text: unknown = (value as Record<string, unknown>)[key];
  return typeof text === "string" ? parseNumberText(text) : null;
}

function nonEmptyTrimmed(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** `UPPER(symbol)-UPPER(base)`, both trimmed (SPEC §2). */
export function pairName(symbol: string, base: string): string {
  return `${symbol.trim().toUpperCase()}-${base.trim().toUpperCase()}`;
}

/**
 * Which of a venue's markets for a pair a candle belongs to: `market_id` trimmed and lower-cased, "" when
 * it is not a string. Not part of validity — a candle without a market id is valid and is its venue's
 * one unnamed market.
 */
function marketOf(value: unknown): string {
  return typeof value === "string" ? value.trim().toLowerCase() : "";
}

/** The candle with its names normalised, or null when it fails SPEC §3 rule 3. */
export function normaliseCandle(raw: RawCandle): Candle | null {
  const timestamp = raw["timestamp"];
  if (!isValidDate(timestamp)) return null;
  const venue = nonEmptyTrimmed(raw["marketVenue"]);
  const symbol = nonEmptyTrimmed(raw["pair_symbol"]);
  const base = nonEmptyTrimmed(raw["pair_base"]);
  const granularity = raw["granularity"];
  if (venue === null || symbol === null || base === null || typeof granularity !== "string") return null;
  const volume = parseNumber(raw["volume"]);
  const close = parseNumber(raw["close"]);
  if (
    volume === null ||
    volume < 0 ||
    // Stryker disable next-line ConditionalExpression: a null close also fails close <= 0 (null compares as 0)
    close === null ||
    close <= 0
  )
    return null;
  return {
    timestamp,
    venue: venue.toLowerCase(),
    symbol: symbol.toUpperCase(),
    base: base.toUpperCase(),
    pair: pairName(symbol, base),
    market: marketOf(raw["market_id"]),
    granularity,
    volume,
    close,
  };
}

/**
 * What makes two candles copies of one another (SPEC §3 duplicates): the same venue, pair, granularity
 * and time, and the same market. The market is in the key because one venue may hold several markets
 * for a pair (spot and futures) whose candles add up (SPEC §2); a re-ingested copy of one market keeps
 * its market id (or has none, like its original) and so still counts once.
 */
export function candleKey(c: Candle): string {
  return JSON.stringify([c.venue, c.pair, c.market, c.granularity, c.timestamp.getTime()]);
}

/**
 * The copy that counts: the larger volume (SPEC §3); on equal volume the larger close, then the smaller
 * symbol (two spellings of one pair name, e.g. `A-B`+`C` and `A`+`B-C`), so that the result never depends
 * on which copy came first.
 */
export function pickDuplicate(a: Candle, b: Candle): Candle {
  // Stryker disable next-line EqualityOperator: volumes here differ, so >= is > (<= is killed)
  if (a.volume !== b.volume) return a.volume > b.volume ? a : b;
  // Stryker disable next-line EqualityOperator: closes here differ, so >= is > (<= is killed)
  if (a.close !== b.close) return a.close > b.close ? a : b;
  // Stryker disable next-line EqualityOperator: copies with one symbol, volume and close are the same candle (>= is killed)
  return b.symbol < a.symbol ? b : a;
}

/** Sums beyond the largest double are held at it, so that no figure becomes Infinity. */
export function bounded(x: number): number {
  return Math.min(x, Number.MAX_VALUE);
}

/** The snapshot's order of markets: by pair, then venue. */
export function compareMarkets(a: MarketAggregate, b: MarketAggregate): number {
  return compareText(a.pair, b.pair) || compareText(a.venue, b.venue);
}

/** One window's bounds in ms, [start, end). */
export interface WindowBounds {
  start: number;
  end: number;
}

/**
 * The window and its prior windows (SPEC §3a): index 0 is [from, to); index k is prior window k, of the
 * same length, [from − k·len, from − (k−1)·len). The stores read exactly these, from the last one's start.
 */
export function windowBounds(query: SnapshotQuery): WindowBounds[] {
  const from = query.from.getTime();
  const to = query.to.getTime();
  const length = to - from;
  const windows: WindowBounds[] = [{ start: from, end: to }];
  for (let k = 1; k <= (query.priorWindows ?? 0); k++) {
    windows.push({ start: from - k * length, end: from - (k - 1) * length });
  }
  return windows;
}

/** Sums one group of counted candles, held at the largest double. */
function volumeOf(group: Candle[]): number {
  return bounded(exactSum(group.map((c) => c.volume)));
}

/** The reference snapshot (SPEC §3, §3a): the embedded store and the MongoDB pipelines must equal it. */
export function snapshotOf(raws: Iterable<RawCandle>, query: SnapshotQuery): Snapshot {
  const windows = windowBounds(query);
  // Stryker disable next-line OptionalChaining: windowBounds always holds the window itself
  const start = windows[windows.length - 1]?.start ?? query.from.getTime();
  const to = query.to.getTime();
  const windowOf = (time: number): number =>
    windows.findIndex(
      (w) =>
        w.start <= time &&
        // Stryker disable next-line ConditionalExpression,EqualityOperator: the windows start ever earlier and no time reaches `to`, so the first that starts at or before a time holds it: the end check may go, or take <= (>= is killed)
        time < w.end,
    );
  const counted = new Map<string, Candle>();
  let skippedCandles = 0;
  let newest: number | null = null;

  for (const raw of raws) {
    if (raw["granularity"] !== query.granularity) continue;
    const timestamp = raw["timestamp"];
    // Without a date, a document cannot be placed in the window, so it is neither counted nor skipped.
    if (!isValidDate(timestamp)) continue;
    const time = timestamp.getTime();
    if (time >= to) continue;
    const candle = normaliseCandle(raw);
    // Stryker disable next-line EqualityOperator: an equal time is the same newest time (<= is killed)
    if (candle !== null && (newest === null || time > newest)) newest = time;
    // Stryker disable next-line ConditionalExpression: a candle before every window falls in none (windowOf -1), so it is neither counted nor skipped anyway; this only saves the work (true and the comparison are killed)
    if (time < start) continue;
    if (candle === null) {
      // Only the window's own invalid candles are reported; the prior windows' are not (SPEC §3a).
      if (windowOf(time) === 0) skippedCandles++;
      continue;
    }
    const key = candleKey(candle);
    const kept = counted.get(key);
    counted.set(key, kept === undefined ? candle : pickDuplicate(kept, candle));
  }

  // Per pair and venue, the counted candles of each window (index as in windowBounds).
  const groups = new Map<string, Candle[][]>();
  for (const candle of counted.values()) {
    const key = JSON.stringify([candle.pair, candle.venue]);
    let group = groups.get(key);
    if (group === undefined) {
      group = windows.map(() => []);
      groups.set(key, group);
    }
    // Stryker disable next-line OptionalChaining: a counted candle is in [start, to), so in one of the windows
    group[windowOf(candle.timestamp.getTime())]?.push(candle);
  }

  const markets: MarketAggregate[] = [];
  // Stryker disable next-line ArrayDeclaration: every group holds one list per window, the window's own included
  for (const [inWindow = [], ...prior] of groups.values()) {
    // A market is a pair on a venue with counted candles in the window itself; prior volume alone is not.
    if (inWindow.length === 0) continue;
    // Stryker disable next-line EqualityOperator: candles of one pair and one symbol spell the base alike too (>= is killed)
    const first = inWindow.reduce((a, b) => (b.symbol < a.symbol ? b : a));
    markets.push({
      pair: first.pair,
      symbol: first.symbol,
      base: first.base,
      venue: first.venue,
      volume: volumeOf(inWindow),
      notional: bounded(exactSum(inWindow.map((c) => bounded(c.volume * c.close)))),
      candles: inWindow.length,
      ...(prior.length > 0 ? { prior: prior.map(volumeOf) } : {}),
    });
  }
  markets.sort(compareMarkets);

  return { markets, skippedCandles, newestCandleAt: newest === null ? null : new Date(newest) };
}
