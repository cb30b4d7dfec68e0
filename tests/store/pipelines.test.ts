// The pipelines' shape where a server's behaviour matters and mingo cannot tell: the window match comes
// first (so the server uses its time index), BSON numbers are read, the trim set is exactly JavaScript's.

import { BSON, Decimal128, Int32, Long } from "mongodb";
import { describe, expect, it } from "vitest";
import {
  countingPostsFilter,
  JS_WHITESPACE,
  newestCandlePipeline,
  parseSnapshotDoc,
  postStatesPipeline,
  snapshotPipeline,
} from "../../src/store/pipelines.js";

const from = new Date("2023-01-15T00:00:00Z");
const to = new Date("2023-01-16T00:00:00Z");

describe("pipelines", () => {
  it("§3 the snapshot starts with the indexed window match, before any other stage", () => {
    expect(snapshotPipeline({ granularity: "1h", from, to })[0]).toEqual({
      $match: { granularity: "1h", timestamp: { $gte: from, $lt: to } },
    });
  });

  it("§3a with prior windows the server reads the 8 windows only, and one stage buckets each candle by window", () => {
    const pipeline = snapshotPipeline({ granularity: "1h", from, to, priorWindows: 7 });
    expect(pipeline[0]).toEqual({
      $match: { granularity: "1h", timestamp: { $gte: new Date(from.getTime() - 7 * 86_400_000), $lt: to } },
    });
    const bucketing = pipeline.filter((stage) => "window" in (stage["$addFields"] ?? {}));
    expect(bucketing).toHaveLength(1);
  });

  it("§3 the newest-candle pipeline matches, then sorts on time before validating, and returns one document", () => {
    const pipeline = newestCandlePipeline("1h", to);
    expect(pipeline[0]).toEqual({ $match: { granularity: "1h", timestamp: { $lt: to } } });
    const stages = pipeline.map((stage) => Object.keys(stage)[0]);
    expect(stages.indexOf("$sort")).toBeLessThan(stages.indexOf("$project"));
    expect(pipeline.at(-2)).toEqual({ $limit: 1 });
  });

  it("every pipeline and filter is plain BSON (no undefined, functions or RegExp objects)", () => {
    const all = {
      snapshot: snapshotPipeline({ granularity: "1h", from, to }),
      guarded: snapshotPipeline({ granularity: "1h", from, to, priorWindows: 7 }),
      newest: newestCandlePipeline("1h", to),
      posts: postStatesPipeline("x"),
      budget: countingPostsFilter("x", from),
    };
    const back = BSON.deserialize(BSON.serialize(all));
    expect(back).toEqual(all);
  });

  it("the trim set is exactly the characters JavaScript's trim removes", () => {
    const removed: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      if (c.trim() === "") removed.push(c);
    }
    expect([...JS_WHITESPACE].sort()).toEqual(removed.sort());
  });

  it("reads BSON numbers a server may return (Decimal128, Long, Int32) as JS numbers", () => {
    const doc = {
      markets: [
        {
          pair: "LTC-USDT",
          symbol: "LTC",
          base: "USDT",
          venue: "okx",
          volume: Decimal128.fromString("8968.5"),
          notional: 778937.91,
          candles: Long.fromNumber(3),
        },
        {
          pair: "BTC-USDT",
          symbol: "BTC",
          base: "USDT",
          venue: "binance",
          volume: 1,
          notional: 2,
          candles: new Int32(1),
        },
      ],
      skipped: [{ n: new Int32(2) }],
    };
    expect(parseSnapshotDoc(doc, { timestamp: to })).toEqual({
      markets: [
        {
          pair: "BTC-USDT",
          symbol: "BTC",
          base: "USDT",
          venue: "binance",
          volume: 1,
          notional: 2,
          candles: 1,
        },
        {
          pair: "LTC-USDT",
          symbol: "LTC",
          base: "USDT",
          venue: "okx",
          volume: 8968.5,
          notional: 778937.91,
          candles: 3,
        },
      ],
      skippedCandles: 2,
      newestCandleAt: to,
    });
  });

  it("an empty window reads as no markets, nothing skipped, no newest candle", () => {
    expect(parseSnapshotDoc({ markets: [], skipped: [] }, undefined)).toEqual({
      markets: [],
      skippedCandles: 0,
      newestCandleAt: null,
    });
  });

  it("sums beyond the largest double are held at it, as the core does", () => {
    const market = {
      pair: "A-B",
      symbol: "A",
      base: "B",
      venue: "v",
      volume: Number.POSITIVE_INFINITY,
      notional: 1,
      candles: 2,
    };
    expect(parseSnapshotDoc({ markets: [market], skipped: [] }, undefined).markets[0]?.volume).toBe(
      Number.MAX_VALUE,
    );
  });

  it("a malformed aggregation result is a StoreError, not a wrong figure", () => {
    expect(() =>
      parseSnapshotDoc({ markets: [{ pair: "A-B", volume: "x" }], skipped: [] }, undefined),
    ).toThrow(/malformed/);
    const market = { pair: "A-B", symbol: "A", base: "B", venue: "v", volume: 1, notional: 1, candles: 1 };
    for (const prior of [undefined, [1, 2], [1, "x", 3]]) {
      expect(() => parseSnapshotDoc({ markets: [{ ...market, prior }], skipped: [] }, undefined, 3)).toThrow(
        /malformed prior-window volume/,
      );
    }
    expect(
      parseSnapshotDoc({ markets: [{ ...market, prior: [1, 2, 3] }], skipped: [] }, undefined, 3).markets[0]
        ?.prior,
    ).toEqual([1, 2, 3]);
  });
});
