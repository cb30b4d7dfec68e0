// The deliberate pair, held together: the MongoDB pipelines (run in-process by mingo, on BSON values as a
// server: mingo-bson.ts), the embedded store and the core's reference must give the same snapshot and
// the same post states on random data — bad number strings, exponents, Decimal128, Int64, Int32 and
// Double values, duplicates, several markets per venue (market ids mixed-case, padded or missing),
// mixed-case and space-padded names, timestamps on every window's edges (the window's and its prior
// windows', for 90m, 24h and 7d), other granularities, legacy post shapes.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { aggregate, find } from "mingo";
import { Decimal128, Double, Int32, Long } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotOf, type WindowBounds, windowBounds } from "../../src/core/candles.js";
import { isCounting, normalisePost, postStates } from "../../src/core/thread.js";
import type { PostRecord, RawCandle, SnapshotQuery } from "../../src/core/types.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import {
  countingPostsFilter,
  newestCandlePipeline,
  parsePostStates,
  parseSnapshotDoc,
  postStatesPipeline,
  snapshotPipeline,
} from "../../src/store/pipelines.js";
import type { Store } from "../../src/store/port.js";
import { expectSameSnapshot } from "./compare.js";
import { aggregateOnServer } from "./mingo-bson.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TO = Date.parse("2023-01-16T00:00:00Z");

/** A run's question: windows of 90m, 24h or 7d, with none, one, three or the guard's seven prior windows. */
const query: fc.Arbitrary<SnapshotQuery> = fc
  .record({
    length: fc.constantFrom(90 * MINUTE, 24 * HOUR, 7 * 24 * HOUR),
    priorWindows: fc.constantFrom(0, 0, 1, 3, 7),
  })
  .map(({ length, priorWindows }) => ({
    granularity: "1h",
    from: new Date(TO - length),
    to: new Date(TO),
    ...(priorWindows > 0 ? { priorWindows } : {}),
  }));

/**
 * Times in the window (half of them) and in the prior windows, on each one's edges (±1 ms) and in its
 * middle, so that copies and shared instants are common; times just outside all windows; some that are
 * no date.
 */
function timestampFor(q: SnapshotQuery): fc.Arbitrary<unknown> {
  const [window, ...prior] = windowBounds(q);
  const instants = (w: WindowBounds) =>
    fc.constantFrom(w.start, w.start + 1, Math.floor((w.start + w.end) / 2), w.end - 1);
  const first = prior.at(-1)?.start ?? q.from.getTime();
  const to = q.to.getTime();
  return fc
    .oneof(
      { weight: 4, arbitrary: instants(window ?? { start: first, end: to }) },
      ...(prior.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...prior).chain(instants) }] : []),
      { weight: 1, arbitrary: fc.constantFrom(first - 1, first - HOUR, to, to + 1, to + HOUR) },
    )
    .map((ms) => new Date(ms))
    .chain((date) =>
      fc.oneof(
        { weight: 12, arbitrary: fc.constant<unknown>(date) },
        {
          weight: 1,
          // An array holding a date in the window matches a query on the time, but is no timestamp.
          arbitrary: fc.constantFrom("2023-01-15T05:00:00Z", null, new Date(Number.NaN), 1673758800000, [
            date,
          ]),
        },
      ),
    );
}

/** Few names, so that duplicates and shared markets are common; padded with JS-only whitespace too. */
const venue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom("binance", " Binance", "OKX ", "okx", "\u00a0kraken\u3000", "kraken"),
  },
  { weight: 1, arbitrary: fc.constantFrom("", "   ", null, 5) },
);
const symbol = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom("btc", "BTC", " eth", "Eth\t") },
  { weight: 1, arbitrary: fc.constantFrom("", null) },
);
/**
 * Market ids independent of the venue: a venue then holds several markets (spot, futures), spelt in
 * several ways; blank, missing and non-string ids all mean the venue's unnamed market.
 */
const marketId = fc.constantFrom(
  "okx-btc-usdt",
  " OKX-BTC-USDT",
  "okx-btc-usdt-f",
  "OKX-btc-USDT-F\u00a0",
  "\ufeffokx-btc-usdt-f",
  "binance-btc-usdt",
  "Binance-BTC-USDT-SWAP\u3000",
  "",
  "  ",
  null,
  7,
  true,
);
const base = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom("usdt", "USDT ", "usd", "eur", "\ufeffusdt") },
  { weight: 1, arbitrary: fc.constantFrom("", null) },
);

const goodNumber = fc.oneof(
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.integer({ min: 0, max: 100_000 }),
  fc.constantFrom(1e300, 5e-324, 0),
);
const numberText = fc.oneof(
  goodNumber.map(String),
  fc.constantFrom("12", "0.5", "1e3", ".5", "5.", "-3", "+4", "007", "1E-2", "1e400"),
);

const MIN_NORMAL = 2.2250738585072014e-308;
/**
 * Numbers as a server stores them (SPEC §1: numbers, Decimal128 and strings must all be read): decimals
 * (exponents, NaN, ±Infinity, beyond the double's range, negative), Int64 beyond 2^53, Int32, Double.
 * Not a nonzero decimal below the smallest normal double: the server refuses to convert it (underflow)
 * where the core reads a subnormal number — a difference left to the spec.
 */
const bsonNumber = fc.oneof(
  numberText
    .filter((text) => !(Number(text) !== 0 && Math.abs(Number(text)) < MIN_NORMAL))
    .map((text) => Decimal128.fromString(text)),
  fc.constantFrom("NaN", "Infinity", "-Infinity", "-0", "-5", "1E+400").map((t) => Decimal128.fromString(t)),
  fc
    .oneof(
      fc.integer({ min: -5, max: 100_000 }).map(String),
      fc.constantFrom("9007199254740993", "9223372036854775807", "-9223372036854775808"),
    )
    .map((digits) => Long.fromString(digits)),
  fc.integer({ min: -5, max: 100_000 }).map((n) => new Int32(n)),
  fc.oneof(goodNumber, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1)).map((n) => new Double(n)),
);
const badValue = fc.constantFrom(
  "",
  "abc",
  "NaN",
  "Infinity",
  "-Infinity",
  " 12",
  "12 ",
  "0x10",
  "1,5",
  null,
  true,
  -1,
  -0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  [],
  {},
);
const value = fc.oneof(
  { weight: 6, arbitrary: goodNumber },
  { weight: 4, arbitrary: numberText },
  { weight: 3, arbitrary: bsonNumber },
  { weight: 1, arbitrary: badValue },
);

/** A field a candle sometimes lacks altogether (a missing field is not the same document as a null one). */
const missing = fc.oneof(
  { weight: 7, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("market_id", "marketVenue", "pair_symbol", "pair_base", "volume", "close"),
  },
);

function candleFor(q: SnapshotQuery): fc.Arbitrary<RawCandle> {
  const fields = fc.record({
    timestamp: timestampFor(q),
    market_id: marketId,
    marketVenue: venue,
    pair_symbol: symbol,
    pair_base: base,
    granularity: fc.oneof(
      { weight: 8, arbitrary: fc.constant("1h") },
      { weight: 1, arbitrary: fc.constantFrom("1m", "1H", ["1h"]) },
    ),
    volume: value,
    close: value,
  });
  return fc.tuple(fields, missing).map(([doc, field]): RawCandle => {
    const candle: RawCandle = { ...doc };
    if (field !== null) delete candle[field];
    return candle;
  });
}

/** What a copy does with its original's market id: keeps it, drops it, or has another one. */
const copyMarket = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ keep: true } as const) },
  { weight: 1, arbitrary: fc.constant({ drop: true } as const) },
  { weight: 2, arbitrary: marketId.map((id) => ({ id })) },
);
/**
 * Copies of earlier candles with other values (sometimes the same volume, so that the close decides):
 * re-ingested duplicates, and sometimes the same venue, pair and hour on another market (or without a
 * market id), which must add up rather than collapse.
 */
function candlesFor(q: SnapshotQuery): fc.Arbitrary<RawCandle[]> {
  const sameVolume = Symbol("same volume");
  const copyVolume = fc.oneof(
    { weight: 3, arbitrary: value },
    { weight: 1, arbitrary: fc.constant(sameVolume) },
  );
  return fc.array(candleFor(q), { maxLength: 40, size: "medium" }).chain((docs) =>
    fc
      .array(fc.tuple(fc.nat(), copyVolume, value, copyMarket), { maxLength: docs.length === 0 ? 0 : 15 })
      .map((copies) => [
        ...docs,
        ...copies.map(([i, volume, close, market]): RawCandle => {
          const original = docs[i % docs.length];
          const copy: RawCandle = {
            ...original,
            volume: volume === sameVolume ? original?.["volume"] : volume,
            close,
          };
          if ("drop" in market) delete copy["market_id"];
          else if ("id" in market) copy["market_id"] = market.id;
          return copy;
        }),
      ]),
  );
}

/** A query and candles placed around its windows. */
const scenario = query.chain((q) => fc.tuple(fc.constant(q), candlesFor(q)));

function mingoSnapshot(docs: RawCandle[], q: SnapshotQuery) {
  const [window] = aggregateOnServer(docs, snapshotPipeline(q));
  const [newest] = aggregateOnServer(docs, newestCandlePipeline(q.granularity, q.to));
  return parseSnapshotDoc(window, newest, q.priorWindows);
}

const dirs: string[] = [];
let store: Store;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "capbot-differential-"));
  dirs.push(dir);
  store = await openEmbeddedStore(dir);
});
afterAll(async () => {
  await store.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("differential: pipelines under mingo = embedded store = core reference", () => {
  it("§3 §3a the snapshot pipelines give the reference snapshot on random candles", () => {
    fc.assert(
      fc.property(scenario, ([q, docs]) => {
        expectSameSnapshot(mingoSnapshot(docs, q), snapshotOf(docs, q));
      }),
      { numRuns: 300 },
    );
  });

  it("§3 §3a the embedded store gives the reference snapshot on random candles", async () => {
    // Decimals also as `capbot import` hands them over: Extended JSON wrappers, readable or not.
    const decimal = fc
      .oneof(numberText, fc.constantFrom("NaN", "abc", ""))
      .map((text) => ({ $numberDecimal: text }));
    const withWrappers = scenario.chain(([q, docs]) =>
      fc
        .array(fc.record({ candle: candleFor(q), volume: fc.option(decimal), close: fc.option(decimal) }), {
          maxLength: 10,
        })
        .map((extra): [SnapshotQuery, RawCandle[]] => [
          q,
          [
            ...docs,
            ...extra.map((r) => ({
              ...r.candle,
              ...(r.volume === null ? {} : { volume: r.volume }),
              ...(r.close === null ? {} : { close: r.close }),
            })),
          ],
        ]),
    );
    await fc.assert(
      fc.asyncProperty(withWrappers, async ([q, docs]) => {
        await store.clear();
        // Copies one level deep: BSON values keep their class (a structured clone would drop it).
        await store.insertCandles(docs.map((d) => ({ ...d })));
        expectSameSnapshot(await store.snapshot(q), snapshotOf(docs, q));
      }),
      { numRuns: 150 },
    );
  });

  const postTime = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 20 }).map((d) => new Date(TO - d * 6 * HOUR)) },
    { weight: 1, arbitrary: fc.constantFrom("2023-01-15T05:00:00Z", null) },
  );
  const pairName = fc.constantFrom(
    "BTC-USDT",
    " btc-usdt",
    "ETH-USDT ",
    "eth-usdt",
    "\u00a0LINK-USDT",
    "",
    "  ",
  );
  const post = fc.record(
    {
      time: postTime,
      pair: fc.oneof(
        { weight: 6, arbitrary: pairName },
        { weight: 2, arbitrary: pairName.map((p) => [p, "extra"]) },
        { weight: 1, arbitrary: fc.constantFrom([], 7, null) },
      ),
      tweet_text: fc.constant("Top Market Venues for …"),
      status: fc.constantFrom(null, "pending", "posted", "failed", "unknown", "deleted"),
      publisher: fc.constantFrom("x", " x ", "local", "", null),
      tweet_id: fc.oneof(
        fc.constantFrom("", "  ", "1603458999", " 42 ", "abc", null, 1.5, Number.NaN),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 2_000_000_000 }).map(String),
      ),
      // SPEC §7: only a plain object is a thread; the rest reads as none.
      thread: fc.constantFrom({ root: "1603458999", length: 2 }, null, ["1603458999"], "1603458999", 7),
    },
    { requiredKeys: ["time", "pair"] },
  );
  // Distinct ObjectId-like ids in random order, so that equal times tie-break on them.
  const posts = fc.uniqueArray(fc.integer({ min: 0, max: 0xffffff }), { maxLength: 30 }).chain((ids) =>
    fc.tuple(...ids.map(() => post)).map((docs) =>
      docs.map((d, i) => ({
        _id: `63987a3c0000000000${(ids[i] ?? 0).toString(16).padStart(6, "0")}`,
        ...d,
      })),
    ),
  );

  function records(docs: Record<string, unknown>[]): PostRecord[] {
    return docs.flatMap((d) => normalisePost(d, String(d["_id"])) ?? []);
  }

  it("§5 §7 the post-states pipeline and the embedded store give the reference post states", async () => {
    await fc.assert(
      fc.asyncProperty(posts, fc.constantFrom("x", "local"), async (docs, publisher) => {
        const expected = postStates(records(docs), publisher);
        expect(parsePostStates(aggregate(docs, postStatesPipeline(publisher)))).toEqual(expected);
        await store.clear();
        await store.insertPosts(docs.map((d) => structuredClone(d)));
        expect(await store.postStates(publisher)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("§8 the budget filter and the embedded store count the reference's counting posts", async () => {
    const since = new Date(TO - 48 * HOUR);
    await fc.assert(
      fc.asyncProperty(posts, fc.constantFrom("x", "local"), async (docs, publisher) => {
        const expected = records(docs).filter(
          (p) => isCounting(p.status) && p.publisher === publisher && p.time >= since,
        ).length;
        expect(find(docs, countingPostsFilter(publisher, since)).all()).toHaveLength(expected);
        await store.clear();
        await store.insertPosts(docs.map((d) => structuredClone(d)));
        expect(await store.countPostsSince(publisher, since)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
