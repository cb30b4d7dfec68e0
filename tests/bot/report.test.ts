// What a run reports (SPEC §5, §9) through the cycle itself (runCycle, in-process): the run JSON's window,
// candidates with their reasons, venues and printed lines; a dry run's posts[]; skipped candles; a run
// that stops before it decides anything.

import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { AS_OF, bench, fakePublisher } from "./harness.js";

const WINDOW = { from: "2026-03-01T12:00:00.000Z", to: "2026-03-02T12:00:00.000Z" };

/** DOGE-USDT on one venue only: a candidate passed over for too few venues (SPEC §5 rule 1). */
const LONE_DOGE = {
  timestamp: new Date(AS_OF.getTime() - 3_600_000),
  granularity: "1h",
  market_id: "binance-doge-usdt",
  marketVenue: "binance",
  pair_symbol: "doge",
  pair_base: "usdt",
  volume: "1000",
  close: "0.1",
};

describe("the run's report (SPEC §9)", () => {
  it("§9 gives the window, every candidate in rank order (a passed-over one with its reason), the pair's venues by volume and its printed lines", async () => {
    const b = await bench();
    await b.store.insertCandles([LONE_DOGE]);
    const result = await b.run([fakePublisher("x")]);
    expect(result).toMatchObject({ status: "posted", pair: "BTC-USDT", window: WINDOW });
    // Strictly: a candidate that may be posted has no `reason` key at all.
    expect(result.candidates).toStrictEqual([
      { pair: "BTC-USDT", metric: 700_500, lastPostedAt: null },
      { pair: "ETH-USDT", metric: 390_300, lastPostedAt: null },
      { pair: "SOL-USD", metric: 130_100, lastPostedAt: null },
      {
        pair: "DOGE-USDT",
        metric: 100,
        lastPostedAt: null,
        reason: "only 1 venue with volume (at least 2 needed)",
      },
    ]);
    expect(result.venues).toStrictEqual([
      { venue: "binance", label: "Binance", volume: 10, share: 10 / 14.01 },
      { venue: "okx", label: "OKX", volume: 4, share: 4 / 14.01 },
      { venue: "bitstamp", label: "Bitstamp", volume: 0.01, share: 0.01 / 14.01 },
    ]);
    expect(result.lines).toStrictEqual([
      { label: "Binance", text: "71.38", hundredths: 7138 },
      { label: "OKX", text: "28.55", hundredths: 2855 },
      { label: "Bitstamp", text: "0.07", hundredths: 7 },
    ]);
    expect(result.text).toBe(
      "Top Market Venues for BTC-USDT:\nBinance: 71.38%\nOKX: 28.55%\nBitstamp: 0.07%",
    );
  });

  it("§5 a real run with nothing postable exits 3 with the reasons, sends nothing and records nothing", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const result = await b.run([x], { CAPBOT_MIN_VENUES: "50" });
    expect(result).toMatchObject({ status: "error", exitCode: 3, pair: null, posts: [] });
    expect(result.error).toMatch(/^No candidate may be posted: 3 with too few venues/);
    const reason = "only 3 venues with volume (at least 50 needed)";
    expect(result.candidates).toStrictEqual([
      { pair: "BTC-USDT", metric: 700_500, lastPostedAt: null, reason },
      { pair: "ETH-USDT", metric: 390_300, lastPostedAt: null, reason },
      { pair: "SOL-USD", metric: 130_100, lastPostedAt: null, reason },
    ]);
    expect(x.requests).toEqual([]);
    expect(await b.store.history({ limit: 5 })).toEqual([]);
  });

  it("§9 a dry run sends and records nothing: every publisher is skipped, reason 'dry run', with the thread it would continue", async () => {
    const b = await bench();
    const x = fakePublisher("x");
    const telegram = fakePublisher("telegram");
    for (let i = 0; i < 3; i++) await b.run([x, telegram]); // BTC, ETH, SOL
    const dry = await b.run([x, telegram], {}, { config: { dryRun: true } }); // BTC again
    expect(dry).toMatchObject({ status: "dry-run", exitCode: 0, pair: "BTC-USDT", inReplyTo: "x-1" });
    expect(dry.posts).toStrictEqual([
      { publisher: "x", status: "skipped", postId: null, inReplyTo: "x-1", url: null, reason: "dry run" },
      {
        publisher: "telegram",
        status: "skipped",
        postId: null,
        inReplyTo: "telegram-1",
        url: null,
        reason: "dry run",
      },
    ]);
    expect(x.requests).toHaveLength(3);
    expect(telegram.requests).toHaveLength(3);
    expect(await b.store.history({ limit: 10 })).toHaveLength(6);
  });

  it("§3 candles with invalid values are counted in the run and logged once as a warning; a clean run logs none", async () => {
    const b = await bench();
    await b.run([fakePublisher("x")]);
    expect(b.logs.filter((l) => l.msg === "skipped candles with invalid values")).toEqual([]);
    await b.store.insertCandles([{ ...LONE_DOGE, volume: "lots" }]);
    const result = await b.run([fakePublisher("x")]);
    expect(result).toMatchObject({ status: "posted", skippedCandles: 1 });
    expect(b.logs.filter((l) => l.msg === "skipped candles with invalid values")).toMatchObject([
      { level: "warn", skippedCandles: 1 },
    ]);
  });

  it("§9 a run whose store fails before anything is decided reports the error and its window, and nothing else", async () => {
    const b = await bench();
    b.store.acquireLock = async () => {
      throw new StoreError("The embedded store could not take the lock: disk I/O error.");
    };
    const result = await b.run([fakePublisher("x"), fakePublisher("telegram")]);
    expect(result).toStrictEqual({
      status: "error",
      pair: null,
      text: null,
      inReplyTo: null,
      postId: null,
      publisher: "x",
      rankBy: "usd",
      asOf: AS_OF.toISOString(),
      window: WINDOW,
      granularity: "1h",
      candidates: [],
      venues: [],
      posts: [],
      anomalies: [],
      skippedCandles: 0,
      unpricedPairs: 0,
      runId: "run-1",
      exitCode: 5,
      warnings: [],
      error: "The embedded store could not take the lock: disk I/O error.",
    });
  });
});
