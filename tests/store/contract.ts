// The store-level behaviour of the posting cycle, written once and run against every Store adapter:
// the embedded store (tests/store/embedded.test.ts) and MongoDB when a test server is configured. Only
// the Store port is used here, nothing of any one engine.

import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snapshotOf } from "../../src/core/candles.js";
import type { PostIntent, RawCandle, SnapshotQuery } from "../../src/core/types.js";
import type { RunRecord, Store } from "../../src/store/port.js";
import { expectSameSnapshot } from "./compare.js";

export interface ContractOptions {
  /** False for a store that refuses to delete (MongoDB never deletes users' data). */
  clears?: boolean;
}

const HOUR = 3_600_000;
const TO = new Date("2023-01-16T00:00:00Z");
const FROM = new Date(TO.getTime() - 24 * HOUR);
const QUERY: SnapshotQuery = { granularity: "1h", from: FROM, to: TO };

function at(ms: number): Date {
  return new Date(ms);
}

function candle(
  venue: unknown,
  symbol: unknown,
  base: unknown,
  timestamp: unknown,
  volume: unknown,
  close: unknown,
): RawCandle {
  return {
    timestamp,
    market_id: `${String(venue)}-${String(symbol)}-${String(base)}`,
    marketVenue: venue,
    pair_symbol: symbol,
    pair_base: base,
    granularity: "1h",
    open: close,
    high: close,
    low: close,
    close,
    volume,
  };
}

/** Three pairs on three venues over 30 hours, with the spec's awkward cases mixed in. */
function candles(): RawCandle[] {
  const docs: RawCandle[] = [];
  for (let h = -6; h < 24; h++) {
    const t = at(FROM.getTime() + h * HOUR);
    docs.push(candle("binance", "btc", "usdt", t, String(100 + h), "16800.5"));
    docs.push(candle(" OKX ", "BTC", "usdt", t, 50 + h, 16801));
    docs.push(candle("kraken", "eth", "usd", t, `${20 + h}.25`, "1200"));
    docs.push(candle("binance", "ltc", " usdt ", t, "8968", "86.86"));
  }
  // Re-ingested candle: the larger volume counts once.
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 5 * HOUR), "999", "16800.5"));
  // Invalid values inside the window: skipped and counted.
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "", "1"));
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "abc", "1"));
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "NaN", "1"));
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "Infinity", "1"));
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), null, "1"));
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "-5", "1"));
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "5", "0"));
  docs.push(candle("", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "5", "1"));
  // Outside the window, another granularity, no date: neither counted nor skipped.
  docs.push(candle("binance", "btc", "usdt", TO, "7777", "1"));
  docs.push(candle("binance", "btc", "usdt", at(FROM.getTime() - 1), "abc", "1"));
  docs.push({
    ...candle("binance", "btc", "usdt", at(FROM.getTime() + HOUR), "7777", "1"),
    granularity: "1m",
  });
  docs.push(candle("binance", "btc", "usdt", "2023-01-15T05:00:00Z", "7777", "1"));
  return docs;
}

function intent(pair: string, time: Date, publisher: PostIntent["publisher"] = "x"): PostIntent {
  return {
    time,
    pair,
    tweetText: `Top Market Venues for ${pair}:\nBinance: 100.00%`,
    inReplyTo: null,
    publisher,
    runId: "run-1",
  };
}

/** Legacy documents of the earlier bot (SPEC §1), ids as 24-hex strings like exported ObjectIds. */
const LEGACY = [
  {
    _id: "63987a3c0000000000000001",
    time: new Date("2022-12-13T12:21:00Z"),
    pair: "LINK-USDT",
    tweet_text: "Top Market Venues for LINK-USDT:\nBinance: 66.64%",
  },
  {
    _id: "63987a3c0000000000000002",
    time: new Date("2022-12-14T12:21:00Z"),
    pair: ["ETH-USDT"],
    tweet_text: "eth",
    tweet_id: 1603458123456789,
  },
  {
    _id: "63987a3c0000000000000003",
    time: new Date("2022-12-15T12:21:00Z"),
    pair: "ETH-USDT",
    tweet_text: "eth",
    tweet_id: "1603458999",
  },
  {
    _id: "63987a3c0000000000000004",
    time: new Date("2022-12-16T12:21:00Z"),
    pair: " btc-usdt ",
    tweet_text: "btc",
    tweet_id: "42",
    publisher: "local",
  },
];

export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  options: ContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe("candles (SPEC §3)", () => {
      it("the snapshot equals the core's reference snapshot of the same documents", async () => {
        const docs = candles();
        expect(await store.insertCandles(docs.map((d) => ({ ...d })))).toBe(docs.length);
        expectSameSnapshot(await store.snapshot(QUERY), snapshotOf(docs, QUERY));
      });

      it("§3 the window includes its start and excludes its end", async () => {
        await store.insertCandles([
          candle("binance", "btc", "usdt", FROM, "1", "10"),
          candle("binance", "btc", "usdt", at(TO.getTime() - 1), "2", "10"),
          candle("binance", "btc", "usdt", TO, "4", "10"),
          candle("binance", "btc", "usdt", at(FROM.getTime() - 1), "8", "10"),
        ]);
        const snapshot = await store.snapshot(QUERY);
        expect(snapshot.markets.map((m) => [m.pair, m.venue, m.volume, m.candles])).toEqual([
          ["BTC-USDT", "binance", 3, 2],
        ]);
        expect(snapshot.newestCandleAt).toEqual(at(TO.getTime() - 1));
      });

      it("§3 markets come ordered by pair then venue in UTF-16 order, as the core's (not UTF-8 bytes)", async () => {
        // U+FF21 (fullwidth A) sorts after the emoji's surrogates in UTF-16, before its bytes in UTF-8.
        const docs = [
          candle("binance", "\uff21", "usdt", FROM, "1", "10"),
          candle("binance", "\u{1f600}", "usdt", FROM, "2", "10"),
          candle("\uff41", "btc", "usdt", FROM, "3", "10"),
          candle("\u{1f600}", "btc", "usdt", FROM, "4", "10"),
        ];
        await store.insertCandles(docs.map((d) => ({ ...d })));
        const snapshot = await store.snapshot(QUERY);
        expect(snapshot.markets.map((m) => [m.pair, m.venue])).toEqual([
          ["BTC-USDT", "\u{1f600}"],
          ["BTC-USDT", "\uff41"],
          ["\u{1f600}-USDT", "binance"],
          ["\uff21-USDT", "binance"],
        ]);
        expectSameSnapshot(snapshot, snapshotOf(docs, QUERY));
      });

      it("§3 a candle whose time or granularity is a list, even of the right values, is not read", async () => {
        const docs = [
          candle("binance", "btc", "usdt", FROM, "1", "10"),
          { ...candle("okx", "btc", "usdt", FROM, "2", "10"), timestamp: [FROM] },
          { ...candle("kraken", "btc", "usdt", FROM, "4", "10"), granularity: ["1h"] },
        ];
        await store.insertCandles(docs.map((d) => ({ ...d })));
        const snapshot = await store.snapshot(QUERY);
        expect(snapshot.markets.map((m) => [m.venue, m.volume])).toEqual([["binance", 1]]);
        expectSameSnapshot(snapshot, snapshotOf(docs, QUERY));
      });

      it("§3 invalid candles of the granularity inside the window are skipped and counted", async () => {
        const docs = candles();
        await store.insertCandles(docs);
        expect((await store.snapshot(QUERY)).skippedCandles).toBe(8);
      });

      it("§3 duplicates count once, the copy with the larger volume", async () => {
        const t = at(FROM.getTime() + HOUR);
        await store.insertCandles([
          candle("binance", "btc", "usdt", t, "5", "10"),
          candle(" Binance", "BTC", "USDT ", t, "7", "11"),
          candle("binance", "btc", "usdt", t, "6", "12"),
        ]);
        const [market] = (await store.snapshot(QUERY)).markets;
        expect(market).toMatchObject({ volume: 7, notional: 77, candles: 1 });
      });

      it("§3 the newest valid candle is found before an empty window, past invalid ones", async () => {
        await store.insertCandles([
          candle("binance", "btc", "usdt", at(FROM.getTime() - 10 * HOUR), "3", "10"),
          candle("binance", "btc", "usdt", at(FROM.getTime() - 2 * HOUR), "abc", "10"),
          { ...candle("binance", "btc", "usdt", at(FROM.getTime() - HOUR), "3", "10"), granularity: "1m" },
        ]);
        const snapshot = await store.snapshot(QUERY);
        expect(snapshot).toEqual({
          markets: [],
          skippedCandles: 0,
          newestCandleAt: at(FROM.getTime() - 10 * HOUR),
        });
      });

      it("an empty store gives an empty snapshot and no newest candle", async () => {
        expect(await store.snapshot(QUERY)).toEqual({ markets: [], skippedCandles: 0, newestCandleAt: null });
        expect(await store.countCandles()).toBe(0);
      });

      it("counts every stored candle, bad values included", async () => {
        await store.insertCandles(candles());
        expect(await store.countCandles()).toBe(candles().length);
      });
    });

    describe("runs (the operator's page)", () => {
      const run = (i: number, status: RunRecord["status"] = "posted"): RunRecord => ({
        runId: `run-${i}`,
        startedAt: new Date(Date.UTC(2026, 2, 2, i)),
        durationMs: 100 + i,
        status,
        exitCode: status === "error" ? 5 : 0,
        pair: status === "posted" ? "BTC-USDT" : null,
        reason: status === "skipped" ? "another capbot run holds the lock" : null,
        error: status === "error" ? "MongoDB at host did not answer" : null,
        posts: status === "posted" ? [{ publisher: "x", status: "posted" }] : [],
      });

      it("keeps each run's summary and gives the last ones back, newest first", async () => {
        await store.recordRun(run(1));
        await store.recordRun(run(3, "error"));
        await store.recordRun(run(2, "skipped"));
        expect(await store.recentRuns(2)).toEqual([run(3, "error"), run(2, "skipped")]);
        expect((await store.recentRuns(10)).map((r) => r.runId)).toEqual(["run-3", "run-2", "run-1"]);
      });

      it("an empty store has no runs", async () => {
        expect(await store.recentRuns(5)).toEqual([]);
      });
    });

    describe("prior windows (SPEC §3a)", () => {
      /** The guard's question: the window ending at TO, of `length`, and its 7 prior windows. */
      const guarded = (length: number): SnapshotQuery => ({
        granularity: "1h",
        from: at(TO.getTime() - length),
        to: TO,
        priorWindows: 7,
      });

      it.each([
        ["90m", 90 * 60_000],
        ["24h", 24 * HOUR],
        ["7d", 7 * 24 * HOUR],
      ])(
        "§3a the 7 prior windows have the window's length (%s), each from its first to its last instant",
        async (_, length) => {
          const query = guarded(length);
          const from = query.from.getTime();
          const docs = [candle("binance", "btc", "usdt", query.from, "1", "10")];
          // Prior window k is [from − k·length, from − (k−1)·length); the eighth is not read at all.
          for (let k = 1; k <= 8; k++) {
            docs.push(candle("binance", "btc", "usdt", at(from - k * length), String(k), "10"));
            docs.push(
              candle("binance", "btc", "usdt", at(from - (k - 1) * length - 1), String(100 * k), "10"),
            );
          }
          await store.insertCandles(docs.map((d) => ({ ...d })));
          const snapshot = await store.snapshot(query);
          expect(snapshot.markets.map((m) => [m.venue, m.volume, m.prior])).toEqual([
            ["binance", 1, [101, 202, 303, 404, 505, 606, 707]],
          ]);
          expectSameSnapshot(snapshot, snapshotOf(docs, query));
        },
      );

      it("§3a the prior windows' invalid candles are not added to skippedCandles", async () => {
        const query = guarded(24 * HOUR);
        const docs = [
          candle("binance", "btc", "usdt", at(FROM.getTime() + HOUR), "4", "10"),
          candle("binance", "btc", "usdt", at(FROM.getTime() + 2 * HOUR), "abc", "10"),
          candle("binance", "btc", "usdt", at(FROM.getTime() - HOUR), "abc", "10"),
          candle("binance", "btc", "usdt", at(FROM.getTime() - HOUR), "3", "0"),
          candle("", "btc", "usdt", at(FROM.getTime() - 30 * HOUR), "3", "10"),
          candle("binance", "btc", "usdt", at(FROM.getTime() - 30 * HOUR), "2", "10"),
        ];
        await store.insertCandles(docs.map((d) => ({ ...d })));
        const snapshot = await store.snapshot(query);
        expect(snapshot.skippedCandles).toBe(1);
        expect(snapshot.markets.map((m) => m.prior)).toEqual([[0, 2, 0, 0, 0, 0, 0]]);
        expectSameSnapshot(snapshot, snapshotOf(docs, query));
      });

      it("§3a duplicates in a prior window count once (the larger volume); another market of the venue adds up", async () => {
        const query = guarded(24 * HOUR);
        const t = at(FROM.getTime() - 50 * HOUR);
        const futures = {
          ...candle("binance", "btc", "usdt", t, "4", "10"),
          market_id: "binance-btc-usdt-f",
        };
        const docs = [
          candle("binance", "btc", "usdt", at(FROM.getTime() + HOUR), "1", "10"),
          candle("binance", "btc", "usdt", t, "5", "10"),
          candle(" Binance", "BTC", "USDT ", t, "7", "11"),
          candle("binance", "btc", "usdt", t, "6", "12"),
          futures,
        ];
        await store.insertCandles(docs.map((d) => ({ ...d })));
        const snapshot = await store.snapshot(query);
        expect(snapshot.markets.map((m) => m.prior)).toEqual([[0, 0, 11, 0, 0, 0, 0]]);
        expectSameSnapshot(snapshot, snapshotOf(docs, query));
      });

      it("§3a a pair on a venue with volume only in prior windows is not a market", async () => {
        const query = guarded(24 * HOUR);
        const docs = [
          candle("binance", "btc", "usdt", at(FROM.getTime() + HOUR), "1", "10"),
          candle("okx", "btc", "usdt", at(FROM.getTime() - HOUR), "9", "10"),
          candle("kraken", "eth", "usd", at(FROM.getTime() - HOUR), "9", "10"),
        ];
        await store.insertCandles(docs.map((d) => ({ ...d })));
        const snapshot = await store.snapshot(query);
        expect(snapshot.markets.map((m) => [m.pair, m.venue, m.prior])).toEqual([
          ["BTC-USDT", "binance", [0, 0, 0, 0, 0, 0, 0]],
        ]);
        expectSameSnapshot(snapshot, snapshotOf(docs, query));
        // Without prior windows, no market carries a `prior` field.
        expect((await store.snapshot(QUERY)).markets.map((m) => "prior" in m)).toEqual([false]);
      });
    });

    describe("posts (SPEC §5, §7, §8)", () => {
      it("§1 legacy posts are read in all their shapes", async () => {
        expect(await store.insertPosts(LEGACY.map((d) => ({ ...d })))).toBe(LEGACY.length);
        expect(await store.postStates("x")).toEqual([
          {
            pair: "BTC-USDT",
            lastPostedAt: LEGACY[3]?.time,
            lastText: LEGACY[3]?.tweet_text,
            threadTip: null,
            tipThread: null,
          },
          {
            pair: "ETH-USDT",
            lastPostedAt: LEGACY[2]?.time,
            lastText: LEGACY[2]?.tweet_text,
            threadTip: "1603458999",
            tipThread: null,
          },
          {
            pair: "LINK-USDT",
            lastPostedAt: LEGACY[0]?.time,
            lastText: LEGACY[0]?.tweet_text,
            threadTip: null,
            tipThread: null,
          },
        ]);
        expect((await store.postStates("local"))[0]).toEqual({
          pair: "BTC-USDT",
          lastPostedAt: LEGACY[3]?.time,
          lastText: "btc",
          threadTip: "42",
          tipThread: null,
        });
      });

      it("§7 a legacy numeric tweet id becomes the thread tip as a string", async () => {
        await store.insertPosts([{ ...LEGACY[1] }]);
        expect(await store.postStates("x")).toEqual([
          {
            pair: "ETH-USDT",
            lastPostedAt: LEGACY[1]?.time,
            lastText: LEGACY[1]?.tweet_text,
            threadTip: "1603458123456789",
            tipThread: null,
          },
        ]);
      });

      it("§8 an intent is pending, then posted with its id, time and reply target", async () => {
        await store.insertPosts(LEGACY.map((d) => ({ ...d })));
        const id = await store.insertIntent({
          ...intent("ETH-USDT", new Date("2023-01-15T10:00:00Z")),
          inReplyTo: "1603458999",
        });
        expect(typeof id).toBe("string");
        const [pending] = await store.pendingIntents();
        expect(pending).toMatchObject({
          id,
          pair: "ETH-USDT",
          status: "pending",
          publisher: "x",
          runId: "run-1",
          inReplyTo: "1603458999",
        });
        // A pending intent does not count yet.
        expect((await store.postStates("x")).find((s) => s.pair === "ETH-USDT")?.threadTip).toBe(
          "1603458999",
        );

        const postedAt = new Date("2023-01-15T10:00:02Z");
        await store.markPosted(id, {
          tweetId: "1700000000000000001",
          time: postedAt,
          inReplyTo: "1603458999",
        });
        expect(await store.pendingIntents()).toEqual([]);
        expect((await store.postStates("x")).find((s) => s.pair === "ETH-USDT")).toEqual({
          pair: "ETH-USDT",
          lastPostedAt: postedAt,
          lastText: intent("ETH-USDT", postedAt).tweetText,
          threadTip: "1700000000000000001",
          tipThread: null,
        });
        const [latest] = await store.history({ limit: 1 });
        expect(latest).toMatchObject({
          id,
          status: "posted",
          tweetId: "1700000000000000001",
          time: postedAt,
          inReplyTo: "1603458999",
        });
      });

      it("§8 a failed intent neither counts nor threads, and keeps its error", async () => {
        const id = await store.insertIntent(intent("SOL-USDT", new Date("2023-01-15T10:00:00Z")));
        await store.markFailed(id, "X said: duplicate content");
        expect(await store.postStates("x")).toEqual([]);
        expect(await store.pendingIntents()).toEqual([]);
        expect((await store.history({ limit: 5 }))[0]).toMatchObject({
          id,
          status: "failed",
          error: "X said: duplicate content",
        });
      });

      it("§8 an unknown outcome counts for choosing but is never a thread tip", async () => {
        await store.insertPosts([{ ...LEGACY[2] }]);
        const time = new Date("2023-01-15T10:00:00Z");
        const id = await store.insertIntent(intent("ETH-USDT", time));
        await store.markUnknown(id, "the publisher cannot tell");
        expect(await store.postStates("x")).toEqual([
          {
            pair: "ETH-USDT",
            lastPostedAt: time,
            lastText: intent("ETH-USDT", time).tweetText,
            threadTip: "1603458999",
            tipThread: null,
          },
        ]);
        expect((await store.history({ limit: 1 }))[0]).toMatchObject({
          status: "unknown",
          error: "the publisher cannot tell",
        });
      });

      it("§7 posts of another publisher set lastPostedAt but never the thread tip", async () => {
        const time = new Date("2023-01-15T10:00:00Z");
        const id = await store.insertIntent(intent("BTC-USDT", time, "local"));
        await store.markPosted(id, { tweetId: "local-1", time, inReplyTo: null });
        expect(await store.postStates("x")).toEqual([
          {
            pair: "BTC-USDT",
            lastPostedAt: time,
            lastText: intent("BTC-USDT", time).tweetText,
            threadTip: null,
            tipThread: null,
          },
        ]);
        expect(await store.postStates("local")).toEqual([
          {
            pair: "BTC-USDT",
            lastPostedAt: time,
            lastText: intent("BTC-USDT", time).tweetText,
            threadTip: "local-1",
            tipThread: null,
          },
        ]);
      });

      it("§8 the daily budget counts the publisher's counting posts since the given time", async () => {
        const since = new Date("2023-01-15T00:00:00Z");
        await store.insertPosts([
          { time: new Date("2023-01-15T01:00:00Z"), pair: "BTC-USDT", tweet_text: "legacy, made on x" },
          { time: new Date("2023-01-14T23:59:59Z"), pair: "BTC-USDT", tweet_text: "before the day" },
          {
            time: new Date("2023-01-15T02:00:00Z"),
            pair: "BTC-USDT",
            tweet_text: "other",
            publisher: "local",
            status: "posted",
          },
        ]);
        const posted = await store.insertIntent(intent("ETH-USDT", new Date("2023-01-15T03:00:00Z")));
        await store.markPosted(posted, {
          tweetId: "1",
          time: new Date("2023-01-15T03:00:01Z"),
          inReplyTo: null,
        });
        const unknown = await store.insertIntent(intent("ETH-USDT", new Date("2023-01-15T04:00:00Z")));
        await store.markUnknown(unknown, "cannot tell");
        const failed = await store.insertIntent(intent("ETH-USDT", new Date("2023-01-15T05:00:00Z")));
        await store.markFailed(failed, "refused");
        await store.insertIntent(intent("ETH-USDT", new Date("2023-01-15T06:00:00Z")));
        expect(await store.countPostsSince("x", since)).toBe(3);
        expect(await store.countPostsSince("local", since)).toBe(1);
      });

      it("history is newest first, filtered by pair, limited", async () => {
        await store.insertPosts(LEGACY.map((d) => ({ ...d })));
        const id = await store.insertIntent(intent("ETH-USDT", new Date("2023-01-15T10:00:00Z")));
        expect((await store.history({ limit: 10 })).map((p) => p.time.toISOString())).toEqual([
          "2023-01-15T10:00:00.000Z",
          "2022-12-16T12:21:00.000Z",
          "2022-12-15T12:21:00.000Z",
          "2022-12-14T12:21:00.000Z",
          "2022-12-13T12:21:00.000Z",
        ]);
        const eth = await store.history({ pair: "eth-usdt", limit: 2 });
        expect(eth.map((p) => [p.pair, p.tweetId])).toEqual([
          ["ETH-USDT", null],
          ["ETH-USDT", "1603458999"],
        ]);
        expect(eth[0]?.id).toBe(id);
      });

      it("§1 legacy shapes read back normalised: array pair, numeric id, no status, no publisher", async () => {
        await store.insertPosts(LEGACY.map((d) => ({ ...d })));
        await store.postStates("x");
        const read = await store.history({ limit: 10 });
        const eth = read.find((p) => p.time.getTime() === LEGACY[1]?.time.getTime());
        expect(eth).toMatchObject({
          pair: "ETH-USDT",
          tweetId: "1603458123456789",
          status: null,
          publisher: "x",
        });
      });
    });

    describe("lease lock (SPEC §8)", () => {
      const now = new Date("2023-01-15T10:00:00Z");
      const later = (ms: number): Date => new Date(now.getTime() + ms);

      it("§8 a second owner is refused while the lease runs", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        expect(await store.acquireLock("run-b", 60_000, later(59_000))).toBe(false);
        await store.releaseLock("run-a");
      });

      it("§8 an expired lease is taken over", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        expect(await store.acquireLock("run-b", 60_000, later(60_001))).toBe(true);
        expect(await store.acquireLock("run-a", 60_000, later(60_002))).toBe(false);
        await store.releaseLock("run-b");
      });

      it("§8 only the owner releases the lease", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        await store.releaseLock("run-b");
        expect(await store.acquireLock("run-b", 60_000, later(1_000))).toBe(false);
        await store.releaseLock("run-a");
        expect(await store.acquireLock("run-b", 60_000, later(2_000))).toBe(true);
        await store.releaseLock("run-b");
      });

      it("§8a the owner renews its lease while it holds it, and says who holds it until when", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        expect(await store.renewLock("run-a", 60_000, later(50_000))).toBe(true);
        expect(await store.acquireLock("run-b", 60_000, later(100_000))).toBe(false);
        expect(await store.lockInfo()).toMatchObject({ owner: "run-a", expiresAt: later(110_000) });
        await store.releaseLock("run-a");
        expect(await store.lockInfo()).toBeNull();
      });

      it("§8a a lease that ran out is lost, even if no one took it: renewing it fails", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        expect(await store.renewLock("run-a", 60_000, later(60_000))).toBe(false);
        expect(await store.renewLock("run-b", 60_000, later(1_000))).toBe(false);
        expect(await store.acquireLock("run-b", 60_000, later(60_001))).toBe(true);
        expect(await store.renewLock("run-a", 60_000, later(60_002))).toBe(false);
        await store.releaseLock("run-b");
      });

      it("§8a a lease more than one lease ahead (a clock jump, a hand-made lock) is taken over; one just within is not", async () => {
        expect(await store.acquireLock("clock-jumped", 10 * 60_000, later(24 * 3_600_000))).toBe(true);
        expect(await store.acquireLock("run-a", 10 * 60_000, now)).toBe(true);
        await store.releaseLock("run-a");
        // Within one lease and the clock tolerance (CLOCK_TOLERANCE_MS): a live run's lease, kept.
        expect(await store.acquireLock("run-b", 60_000, later(60_000))).toBe(true);
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(false);
        await store.releaseLock("run-b");
      });

      it("§8 a lease is over at its expiry instant: another owner takes it then", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        expect(await store.acquireLock("run-b", 60_000, later(60_000))).toBe(true);
        await store.releaseLock("run-b");
      });

      it("§8a the owner taking its own running lease again gets it, for one more lease from then", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        expect(await store.acquireLock("run-a", 60_000, later(30_000))).toBe(true);
        expect(await store.acquireLock("run-b", 60_000, later(80_000))).toBe(false);
        expect(await store.lockInfo()).toMatchObject({ owner: "run-a", expiresAt: later(90_000) });
        await store.releaseLock("run-a");
      });

      it("§8 releasing when no lease is held at all changes nothing and does not fail", async () => {
        await store.releaseLock("run-a");
        expect(await store.lockInfo()).toBeNull();
        expect(await store.acquireLock("run-b", 60_000, now)).toBe(true);
        await store.releaseLock("run-b");
      });

      it("doctor: the lease names the machine and process that took it", async () => {
        expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
        expect((await store.lockInfo())?.holder).toBe(`${hostname()} pid ${process.pid}`);
        await store.releaseLock("run-a");
      });

      it("§8a recording: a post over this run's own pending intent, and a real post over a reconciler's failed or unknown", async () => {
        const posted = { tweetId: "p-1", time: later(1_000), inReplyTo: null };
        const own = await store.insertIntent({ ...intent("BTC-USDT", now), runId: "run-a" });
        expect(await store.markPosted(own, posted, "run-b")).toBe("pending");
        expect((await store.pendingIntents()).map((p) => p.id)).toEqual([own]);
        expect(await store.markPosted(own, posted, "run-a")).toBe("pending");
        expect((await store.history({ limit: 1 }))[0]).toMatchObject({ status: "posted", tweetId: "p-1" });

        const failed = await store.insertIntent({ ...intent("ETH-USDT", now), runId: "run-a" });
        await store.markFailed(failed, "reconciled by run-b: not found", undefined);
        expect(await store.markPosted(failed, { ...posted, tweetId: "p-2" }, "run-a")).toBe("failed");
        const record = (await store.history({ limit: 5 })).find((p) => p.id === failed);
        expect(record).toMatchObject({ status: "posted", tweetId: "p-2", error: null });

        const unknown = await store.insertIntent({ ...intent("SOL-USDT", now), runId: "run-a" });
        await store.markUnknown(unknown, "cannot tell");
        expect(await store.markPosted(unknown, { ...posted, tweetId: "p-3" }, "run-a")).toBe("unknown");
        // A definite failure never overwrites a post.
        await store.markFailed(unknown, "too late", "run-a");
        expect((await store.history({ limit: 5 })).find((p) => p.id === unknown)).toMatchObject({
          status: "posted",
        });
        expect(await store.markPosted("000000000000000000000000", posted)).toBeNull();
      });
    });

    it.skipIf(options.clears === false)("clear removes every candle and post", async () => {
      await store.insertCandles(candles());
      await store.insertPosts(LEGACY.map((d) => ({ ...d })));
      await store.clear();
      expect(await store.countCandles()).toBe(0);
      expect(await store.history({ limit: 10 })).toEqual([]);
      expect(await store.snapshot(QUERY)).toEqual({ markets: [], skippedCandles: 0, newestCandleAt: null });
    });
  });
}
