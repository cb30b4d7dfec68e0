// What the MongoDB store must do beyond the shared store contract, written once and run twice: on the
// in-memory driver stand-in always, and on a real server when CAPBOT_TEST_MONGODB_URI is set.
// SPEC §8 document fields, legacy documents never rewritten, the lease lock, Decimal128 imports.
import { Decimal128, Long, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";

type Doc = Record<string, unknown>;

/** Raw access to the database, beside the store: to plant legacy documents and read what was written. */
export interface RawDb {
  insert(collection: string, docs: Doc[]): Promise<void>;
  all(collection: string): Promise<Doc[]>;
  indexKeys(collection: string): Promise<string[]>;
}

export interface MongoFixture {
  /** Opens a store on the fixture's database; several calls give several stores on one database. */
  open(): Promise<Store>;
  raw: RawDb;
}

const OHLCV = "ohlcv_db";
const POSTS = "posts_db";
const t = (iso: string) => new Date(iso);

const legacyPosts = (): Doc[] => [
  {
    _id: new ObjectId("639870a5e1b2c3d4e5f60711"),
    time: t("2022-12-13T12:21:00Z"),
    pair: "LINK-USDT",
    tweet_text: "Top Market Venues for LINK-USDT:\nBinance: 66.64%",
  },
  {
    _id: new ObjectId("639870a5e1b2c3d4e5f60712"),
    time: t("2022-12-14T12:21:00Z"),
    pair: ["btc-usdt", "extra"],
    tweet_text: "Top Market Venues for BTC-USDT:\nBinance: 50.00%",
    tweet_id: Long.fromString("1602345678901234567"),
  },
  {
    _id: new ObjectId("639870a5e1b2c3d4e5f60713"),
    time: t("2022-12-15T12:21:00Z"),
    pair: "ETH-USDT",
    tweet_text: "Top Market Venues for ETH-USDT:\nBinance: 40.00%",
    tweet_id: 1603000000,
  },
];

function intent(pair: string, runId: string) {
  return {
    time: t("2024-05-01T12:00:00Z"),
    pair,
    tweetText: `Top Market Venues for ${pair}:\nBinance: 100.00%`,
    inReplyTo: null,
    publisher: "local" as const,
    runId,
  };
}

export function describeMongoBehaviour(name: string, fixture: () => Promise<MongoFixture>): void {
  describe(`${name}: MongoDB store behaviour`, () => {
    it("§8 an intent is written with exactly the fields of SPEC §8.1, then posted with tweet_id as a string", async () => {
      const { open, raw } = await fixture();
      const store = await open();
      const id = await store.insertIntent(intent("LTC-USDT", "run-1"));
      const [pending] = await raw.all(POSTS);
      expect(Object.keys(pending ?? {}).sort()).toEqual(
        ["_id", "in_reply_to", "pair", "publisher", "run_id", "status", "time", "tweet_text"].sort(),
      );
      expect(pending).toMatchObject({
        status: "pending",
        run_id: "run-1",
        in_reply_to: null,
        publisher: "local",
      });
      const published = t("2024-05-01T12:00:05Z");
      await store.markPosted(id, {
        tweetId: "1790000000000000001",
        time: published,
        inReplyTo: "1780000000000000000",
      });
      const [posted] = await raw.all(POSTS);
      expect(posted).toMatchObject({
        status: "posted",
        tweet_id: "1790000000000000001",
        time: published,
        in_reply_to: "1780000000000000000",
      });
      // Settled once: a later settlement (a reconciling run) leaves it as it is.
      await store.markFailed(id, "too late");
      expect((await raw.all(POSTS))[0]).toMatchObject({ status: "posted" });
      expect((await raw.all(POSTS))[0]).not.toHaveProperty("error");
      await store.close();
    });

    it("§1 legacy documents are never rewritten, even when asked to settle one: they stay byte for byte as they were", async () => {
      const { open, raw } = await fixture();
      await raw.insert(POSTS, legacyPosts());
      const before = JSON.stringify(await raw.all(POSTS));
      const store = await open();
      const a = await store.insertIntent(intent("LINK-USDT", "run-2"));
      await store.markPosted(a, { tweetId: "1", time: t("2024-05-01T12:00:01Z"), inReplyTo: null });
      const b = await store.insertIntent(intent("BTC-USDT", "run-2"));
      await store.markFailed(b, "X said no");
      for (const legacy of legacyPosts()) {
        const id = (legacy["_id"] as ObjectId).toHexString();
        await store.markPosted(id, { tweetId: "2", time: t("2024-05-01T13:00:00Z"), inReplyTo: null });
        await store.markFailed(id, "not ours");
        await store.markUnknown(id, "cannot tell");
      }
      const after = (await raw.all(POSTS)).filter((d) =>
        legacyPosts().some((l) => String(l["_id"]) === String(d["_id"])),
      );
      expect(JSON.stringify(after)).toBe(before);
      await store.close();
    });

    it("§1 a legacy numeric tweet id above 2^53 is read with every digit; a legacy array pair by its first element", async () => {
      const { open, raw } = await fixture();
      await raw.insert(POSTS, legacyPosts());
      const store = await open();
      const [btc] = await store.history({ pair: "BTC-USDT", limit: 10 });
      expect(btc).toMatchObject({
        pair: "BTC-USDT",
        tweetId: "1602345678901234567",
        status: null,
        publisher: "x",
      });
      expect((await store.history({ pair: "extra", limit: 10 })).length).toBe(0);
      const all = await store.history({ limit: 10 });
      expect(all.map((p) => p.pair)).toEqual(["ETH-USDT", "BTC-USDT", "LINK-USDT"]);
      const states = await store.postStates("x");
      expect(states.find((s) => s.pair === "BTC-USDT")?.threadTip).toBe("1602345678901234567");
      await store.close();
    });

    it("§8 the lease: two stores race for it and exactly one wins", async () => {
      const { open } = await fixture();
      const [one, two] = await Promise.all([open(), open()]);
      const now = t("2024-05-01T12:00:00Z");
      const results = await Promise.all([
        one.acquireLock("owner-a", 60_000, now),
        two.acquireLock("owner-b", 60_000, now),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      await Promise.all([one.close(), two.close()]);
    });

    it("§8 the lease: held until it expires, then taken over; released only by its owner", async () => {
      const { open } = await fixture();
      const store = await open();
      const now = t("2024-05-01T12:00:00Z");
      expect(await store.acquireLock("owner-a", 60_000, now)).toBe(true);
      expect(await store.acquireLock("owner-b", 60_000, t("2024-05-01T12:00:59Z"))).toBe(false);
      expect(await store.acquireLock("owner-a", 60_000, t("2024-05-01T12:00:30Z"))).toBe(true);
      expect(await store.acquireLock("owner-b", 60_000, t("2024-05-01T12:01:31Z"))).toBe(true);
      await store.releaseLock("owner-a");
      expect(await store.acquireLock("owner-c", 60_000, t("2024-05-01T12:01:32Z"))).toBe(false);
      await store.releaseLock("owner-b");
      expect(await store.acquireLock("owner-c", 60_000, t("2024-05-01T12:01:33Z"))).toBe(true);
      await store.close();
    });

    it("§8a a hand-made lock document that is no lease (no date in expiresAt, no owner) is taken over, as doctor says it is free", async () => {
      const inAMinute = t("2024-05-01T12:01:00Z");
      const documents: Record<string, unknown>[] = [
        { owner: "by-hand", expiresAt: "2099-01-01T00:00:00Z" },
        { owner: "by-hand", expiresAt: 4_102_444_800_000 },
        { owner: "by-hand", expiresAt: null },
        { owner: "by-hand" },
        { owner: 42, expiresAt: inAMinute },
        { expiresAt: inAMinute },
      ];
      for (const fields of documents) {
        const { open, raw } = await fixture();
        const doc = { _id: "run", ...fields };
        await raw.insert("capbot_locks", [doc]);
        const store = await open();
        expect(await store.lockInfo()).toBeNull();
        expect(await store.acquireLock("owner-a", 60_000, t("2024-05-01T12:00:00Z"))).toBe(true);
        expect(await store.lockInfo()).toMatchObject({ owner: "owner-a" });
        await store.close();
      }
    });

    it("doctor: a lock document without a holder (an older capbot, or a hand) names none", async () => {
      for (const holder of [undefined, 42]) {
        const { open, raw } = await fixture();
        const expiresAt = t("2030-01-01T00:00:00Z");
        await raw.insert("capbot_locks", [
          { _id: "run", owner: "run-old", expiresAt, ...(holder ? { holder } : {}) },
        ]);
        const store = await open();
        expect(await store.lockInfo()).toEqual({ owner: "run-old", expiresAt, holder: null });
        await store.close();
      }
    });

    it("import: $numberDecimal volumes are stored as Decimal128 and read back into the snapshot", async () => {
      const { open, raw } = await fixture();
      const store = await open();
      const candle = (venue: string, volume: unknown, id?: string) => ({
        ...(id ? { _id: id } : {}),
        timestamp: t("2024-05-01T10:00:00Z"),
        market_id: `${venue}-ltc-usdt`,
        marketVenue: venue,
        pair_symbol: "ltc",
        pair_base: "usdt",
        granularity: "1h",
        open: "86.68",
        high: "87.14",
        low: "86.25",
        close: { $numberDecimal: "86.86" },
        volume,
      });
      const stored = await store.insertCandles([
        candle("okx", { $numberDecimal: "8968.5" }, "65f1a2b3c4d5e6f708192a3b"),
        candle("binance", "1000"),
        candle("kraken", 250),
      ]);
      expect(stored).toBe(3);
      const docs = await raw.all(OHLCV);
      const okx = docs.find((d) => d["marketVenue"] === "okx");
      expect(okx?.["volume"]).toBeInstanceOf(Decimal128);
      expect(okx?.["_id"]).toBeInstanceOf(ObjectId);
      const snapshot = await store.snapshot({
        granularity: "1h",
        from: t("2024-05-01T00:00:00Z"),
        to: t("2024-05-02T00:00:00Z"),
      });
      expect(snapshot.markets.map((m) => [m.venue, m.volume])).toEqual([
        ["binance", 1000],
        ["kraken", 250],
        ["okx", 8968.5],
      ]);
      expect(snapshot.newestCandleAt).toEqual(t("2024-05-01T10:00:00Z"));
      // The same file imported twice: the documents with ids are skipped, not duplicated.
      expect(
        await store.insertCandles([candle("okx", { $numberDecimal: "8968.5" }, "65f1a2b3c4d5e6f708192a3b")]),
      ).toBe(0);
      expect(await store.countCandles()).toBe(3);
      await store.close();
    });

    it("indexes are created on the posts collection only, never on the candles", async () => {
      const { open, raw } = await fixture();
      await raw.insert(OHLCV, [{ timestamp: t("2024-05-01T10:00:00Z"), granularity: "1h" }]);
      const candleIndexes = await raw.indexKeys(OHLCV);
      const store = await open();
      await store.insertIntent(intent("LTC-USDT", "run-3"));
      await store.snapshot({
        granularity: "1h",
        from: t("2024-05-01T00:00:00Z"),
        to: t("2024-05-02T00:00:00Z"),
      });
      await store.doctor(
        { granularity: "1h", from: t("2024-05-01T00:00:00Z"), to: t("2024-05-02T00:00:00Z") },
        null,
        t("2024-05-02T00:00:00Z"),
      );
      expect(await raw.indexKeys(POSTS)).toEqual(
        expect.arrayContaining(['{"pair":1,"time":-1}', '{"status":1}', '{"publisher":1,"time":-1}']),
      );
      expect(await raw.indexKeys(OHLCV)).toEqual(candleIndexes);
      await store.close();
    });

    it("clear refuses: capbot never deletes data in MongoDB", async () => {
      const { open, raw } = await fixture();
      await raw.insert(POSTS, legacyPosts());
      const store = await open();
      await expect(store.clear()).rejects.toThrow(/never deletes data in MongoDB/);
      expect((await raw.all(POSTS)).length).toBe(3);
      await store.close();
    });

    it("doctor: reach, readable, indexes with the explain of the window query, writable, freshness (stale → exit 3)", async () => {
      const { open, raw } = await fixture();
      await raw.insert(OHLCV, [
        {
          timestamp: t("2024-05-01T10:00:00Z"),
          marketVenue: "okx",
          pair_symbol: "ltc",
          pair_base: "usdt",
          granularity: "1h",
          close: "86",
          volume: "10",
        },
      ]);
      const store = await open();
      const query = { granularity: "1h", from: t("2024-05-01T00:00:00Z"), to: t("2024-05-02T00:00:00Z") };
      const checks = await store.doctor(query, 3 * 3_600_000, t("2024-05-02T00:00:00Z"));
      const byName = new Map(checks.map((c) => [c.name, c]));
      expect([...byName.keys()]).toEqual([
        "store reachable",
        "ohlcv readable",
        "ohlcv indexes",
        "posts writable",
        "data freshness",
      ]);
      expect(byName.get("store reachable")?.detail).toMatch(/^MongoDB \S+ at /);
      expect(byName.get("ohlcv readable")?.ok).toBe(true);
      expect(byName.get("ohlcv indexes")?.detail).toMatch(
        /the window query \(.*\) examined \d+ documents and returned \d+/,
      );
      expect(byName.get("data freshness")).toMatchObject({ ok: false, exitCode: 3 });
      expect(byName.get("data freshness")?.detail).toContain("14h");
      await store.close();
    });
  });
}
