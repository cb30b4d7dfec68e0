// The deliberate pair, held together: the MongoDB pipelines (run in-process by mingo), the embedded
// store and the core's reference must give the same snapshot and the same post states on random data —
// bad number strings, duplicates, several markets per venue (market ids mixed-case, padded or missing),
// mixed-case and space-padded names, timestamps on both window edges, other granularities, legacy post
// shapes.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { aggregate, find } from "mingo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotOf } from "../../src/core/candles.js";
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

const HOUR = 3_600_000;
const TO = Date.parse("2023-01-16T00:00:00Z");
const FROM = TO - 24 * HOUR;
const QUERY: SnapshotQuery = { granularity: "1h", from: new Date(FROM), to: new Date(TO) };

const edgeTime = fc.constantFrom(FROM, FROM - 1, FROM + 1, TO, TO - 1, TO + 1);
const hourTime = fc.integer({ min: -30, max: 27 }).map((h) => FROM + h * HOUR);
const timestamp = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(edgeTime, hourTime).map((ms) => new Date(ms)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("2023-01-15T05:00:00Z", null, new Date(Number.NaN), 1673758800000),
  },
);

/** Few names, so that duplicates and shared markets are common; padded with JS-only whitespace too. */
const venue = fc.constantFrom(
  "binance",
  " Binance",
  "OKX ",
  "okx",
  "\u00a0kraken\u3000",
  "kraken",
  "",
  "   ",
  null,
  5,
);
const symbol = fc.constantFrom("btc", "BTC", " eth", "Eth\t", "", null);
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
const base = fc.constantFrom("usdt", "USDT ", "usd", "eur", "\ufeffusdt", "", null);

const goodNumber = fc.oneof(
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.integer({ min: 0, max: 100_000 }),
  fc.constantFrom(1e300, 5e-324, 0),
);
const numberText = fc.oneof(
  goodNumber.map(String),
  fc.constantFrom("12", "0.5", "1e3", ".5", "5.", "-3", "+4", "007", "1E-2", "1e400"),
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
  { weight: 4, arbitrary: goodNumber },
  { weight: 4, arbitrary: numberText },
  { weight: 2, arbitrary: badValue },
);

const candle: fc.Arbitrary<RawCandle> = fc.record(
  {
    timestamp,
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
  },
  { requiredKeys: ["timestamp", "granularity"] },
);
/** What a copy does with its original's market id: keeps it, drops it, or has another one. */
const copyMarket = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ keep: true } as const) },
  { weight: 1, arbitrary: fc.constant({ drop: true } as const) },
  { weight: 2, arbitrary: marketId.map((id) => ({ id })) },
);
/**
 * Copies of earlier candles with other values: re-ingested duplicates, and sometimes the same venue, pair
 * and hour on another market (or without a market id), which must add up rather than collapse.
 */
const candles = fc.array(candle, { maxLength: 40 }).chain((docs) =>
  fc
    .array(fc.tuple(fc.nat(), value, value, copyMarket), { maxLength: docs.length === 0 ? 0 : 10 })
    .map((copies) => [
      ...docs,
      ...copies.map(([i, volume, close, market]): RawCandle => {
        const copy: RawCandle = { ...docs[i % docs.length], volume, close };
        if ("drop" in market) delete copy["market_id"];
        else if ("id" in market) copy["market_id"] = market.id;
        return copy;
      }),
    ]),
);

function mingoSnapshot(docs: RawCandle[], query: SnapshotQuery) {
  const [window] = aggregate(docs, snapshotPipeline(query));
  const [newest] = aggregate(docs, newestCandlePipeline(query.granularity, query.to));
  return parseSnapshotDoc(window, newest);
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
  it("§3 the snapshot pipelines give the reference snapshot on random candles", () => {
    fc.assert(
      fc.property(candles, (docs) => {
        expectSameSnapshot(mingoSnapshot(docs, QUERY), snapshotOf(docs, QUERY));
      }),
      { numRuns: 300 },
    );
  });

  it("§3 the embedded store gives the reference snapshot on random candles", async () => {
    const decimal = fc
      .oneof(numberText, fc.constantFrom("NaN", "abc", ""))
      .map((text) => ({ $numberDecimal: text }));
    const withDecimals = fc.array(
      fc.record({ candle, volume: fc.option(decimal), close: fc.option(decimal) }).map((r) => ({
        ...r.candle,
        ...(r.volume === null ? {} : { volume: r.volume }),
        ...(r.close === null ? {} : { close: r.close }),
      })),
      { maxLength: 10 },
    );
    await fc.assert(
      fc.asyncProperty(candles, withDecimals, async (docs, decimals) => {
        const all = [...docs, ...decimals];
        await store.clear();
        await store.insertCandles(all.map((d) => structuredClone(d)));
        expectSameSnapshot(await store.snapshot(QUERY), snapshotOf(all, QUERY));
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
