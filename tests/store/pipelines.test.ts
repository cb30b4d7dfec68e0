// The pipelines' shape where a server's behaviour matters and mingo cannot tell: the window match comes
// first (so the server uses its time index), BSON numbers are read, the trim set is exactly JavaScript's.

import { BSON, Decimal128, Int32, Long } from "mongodb";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import {
  countingPostsFilter,
  JS_WHITESPACE,
  newestCandlePipeline,
  parsePostStates,
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
    // Only the time comes back (a real server also refuses an empty $project, which mingo lets through).
    expect(pipeline.at(-1)).toEqual({ $project: { timestamp: 1 } });
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

  it("no document at all (nothing aggregated) reads as an empty window", () => {
    expect(parseSnapshotDoc(undefined, undefined)).toEqual({
      markets: [],
      skippedCandles: 0,
      newestCandleAt: null,
    });
  });

  it("reads a bigint a driver may give for a count", () => {
    const market = { pair: "A-B", symbol: "A", base: "B", venue: "v", volume: 1, notional: 1, candles: 3n };
    expect(parseSnapshotDoc({ markets: [market], skipped: [{ n: 2n }] }, undefined)).toMatchObject({
      markets: [{ candles: 3 }],
      skippedCandles: 2,
    });
  });

  it("a malformed field is a StoreError that names the field", () => {
    const market = { pair: "A-B", symbol: "A", base: "B", venue: "v", volume: 1, notional: 1, candles: 1 };
    const named: [keyof typeof market, unknown, string][] = [
      ["pair", 42, "pair"],
      ["symbol", null, "symbol"],
      ["base", ["B"], "base"],
      ["venue", undefined, "venue"],
      // A number as text is not what a server returns for a sum: malformed, not read.
      ["volume", "12", "volume"],
      ["notional", null, "notional"],
      ["candles", { n: 1 }, "candle count"],
    ];
    for (const [field, value, what] of named) {
      expect(() =>
        parseSnapshotDoc({ markets: [{ ...market, [field]: value }], skipped: [] }, undefined),
      ).toThrow(new StoreError(`The snapshot aggregation returned a malformed ${what}.`));
    }
    expect(() => parseSnapshotDoc({ markets: [], skipped: [{ n: "2" }] }, undefined)).toThrow(
      new StoreError("The snapshot aggregation returned a malformed skipped count."),
    );
    for (const doc of [
      { markets: "x", skipped: [] },
      { markets: [], skipped: { n: 1 } },
    ]) {
      expect(() => parseSnapshotDoc(doc, undefined)).toThrow(
        new StoreError("The snapshot aggregation returned a malformed document."),
      );
    }
    expect(() => parseSnapshotDoc({ markets: [], skipped: [] }, { timestamp: "2023-01-16" })).toThrow(
      new StoreError("The newest-candle aggregation returned a malformed timestamp."),
    );
  });

  it("post states: a tip with or without thread is read; any malformed field is a StoreError", () => {
    const state = { pair: "BTC-USDT", lastPostedAt: to, lastText: "text", tip: null };
    expect(parsePostStates([state])).toEqual([
      { pair: "BTC-USDT", lastPostedAt: to, lastText: "text", threadTip: null, tipThread: null },
    ]);
    expect(parsePostStates([{ ...state, tip: { id: "17", thread: null } }])[0]).toMatchObject({
      threadTip: "17",
      tipThread: null,
    });
    expect(parsePostStates([{ ...state, tip: { id: "17", thread: { root: "9" } } }])[0]).toMatchObject({
      threadTip: "17",
      tipThread: { root: "9" },
    });
    const malformed = [
      { ...state, pair: 42 },
      { ...state, lastPostedAt: "2023-01-16" },
      { ...state, lastText: 5 },
      { ...state, tip: { id: 17, thread: null } },
      { ...state, tip: { id: "17", thread: ["9"] } },
      { ...state, tip: { id: "17", thread: "9" } },
    ];
    for (const doc of malformed) {
      expect(() => parsePostStates([doc])).toThrow(
        new StoreError("The post-states aggregation returned a malformed document."),
      );
    }
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
