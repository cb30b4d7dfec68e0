// The embedded store: the shared contract on a temporary data directory, then what only it has — the
// format version and the migration of older folders, read-only opening, the lock file across real
// processes, and its doctor lines.

import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Long } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { snapshotOf } from "../../src/core/candles.js";
import type { RawCandle, SnapshotQuery } from "../../src/core/types.js";
import { StoreError } from "../../src/errors.js";
import { stringifyExtendedJson } from "../../src/store/ejson.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import { FORMAT_VERSION } from "../../src/store/embedded-schema.js";
import { expectSameSnapshot } from "./compare.js";
import { describeStoreContract } from "./contract.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "capbot-embedded-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeStoreContract("embedded", () => openEmbeddedStore(tempDir()));

describe("embedded store", () => {
  it("creates its folder and one database file with the current format version, with a rollback journal", async () => {
    const dir = join(tempDir(), "nested", "data");
    const store = await openEmbeddedStore(dir);
    await store.close();
    const db = new Database(join(dir, "capbot.sqlite"), { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(FORMAT_VERSION);
    expect(db.pragma("journal_mode", { simple: true })).toBe("delete");
    db.close();
    expect(readdirSync(dir).sort()).toEqual(["capbot.sqlite"]);
  });

  it("a read-only open (a dry run) creates no file at all", async () => {
    const dir = tempDir();
    const writer = await openEmbeddedStore(dir);
    await writer.close();
    const reader = await openEmbeddedStore(dir, { readonly: true });
    await reader.snapshot({ granularity: "1h", from: new Date(0), to: new Date() });
    await reader.close();
    expect(readdirSync(dir).sort()).toEqual(["capbot.sqlite"]);
  });

  it("keeps what was written across a reopen", async () => {
    const dir = tempDir();
    const first = await openEmbeddedStore(dir);
    await first.insertCandles([
      { timestamp: new Date("2023-01-15T01:00:00Z"), granularity: "1h", volume: "abc" },
    ]);
    await first.insertIntent({
      time: new Date("2023-01-15T01:00:00Z"),
      pair: "BTC-USDT",
      tweetText: "text",
      inReplyTo: null,
      publisher: "local",
      runId: "r",
    });
    await first.close();
    const second = await openEmbeddedStore(dir);
    expect(await second.countCandles()).toBe(1);
    expect(await second.pendingIntents()).toHaveLength(1);
    await second.close();
  });

  it("keeps a candle's values as they were stored, bad ones included", async () => {
    const dir = tempDir();
    const store = await openEmbeddedStore(dir);
    const doc = {
      timestamp: new Date("2023-01-15T01:00:00Z"),
      granularity: "1h",
      volume: Number.NaN,
      close: { $numberDecimal: "86.86" },
      open: "abc",
      big: 12345678901234567890n,
      long: Long.fromString("9007199254740993"),
    };
    await store.insertCandles([doc]);
    await store.close();
    const db = new Database(join(dir, "capbot.sqlite"), { readonly: true });
    const stored = JSON.parse(db.prepare("SELECT doc FROM candle_docs").pluck().get() as string);
    db.close();
    expect(stored).toEqual({
      timestamp: { $date: "2023-01-15T01:00:00.000Z" },
      granularity: "1h",
      volume: { $numberDouble: "NaN" },
      close: { $numberDecimal: "86.86" },
      open: "abc",
      big: { $numberLong: "12345678901234567890" },
      long: { $numberLong: "9007199254740993" },
    });
  });

  it("reads decimal candles as the core's parseNumber does", async () => {
    const store = await openEmbeddedStore(tempDir());
    const t = new Date("2023-01-15T01:00:00Z");
    const base = {
      timestamp: t,
      granularity: "1h",
      marketVenue: "okx",
      pair_symbol: "ltc",
      pair_base: "usdt",
    };
    await store.insertCandles([
      { ...base, volume: { $numberDecimal: "8968" }, close: { $numberDecimal: "86.5" } },
    ]);
    const snapshot = await store.snapshot({ granularity: "1h", from: t, to: new Date(t.getTime() + 1) });
    expect(snapshot.markets).toEqual([
      {
        pair: "LTC-USDT",
        symbol: "LTC",
        base: "USDT",
        venue: "okx",
        volume: 8968,
        notional: 8968 * 86.5,
        candles: 1,
      },
    ]);
    await store.close();
  });

  it("refuses a data directory written by a newer format", async () => {
    const dir = tempDir();
    const db = new Database(join(dir, "capbot.sqlite"));
    db.pragma(`user_version = ${FORMAT_VERSION + 1}`);
    db.close();
    await expect(openEmbeddedStore(dir)).rejects.toThrow(StoreError);
    await expect(openEmbeddedStore(dir)).rejects.toThrow(/newer than this capbot understands/);
  });

  it("read-only: a missing store reads as empty and nothing is created", async () => {
    const dir = join(tempDir(), "absent");
    const store = await openEmbeddedStore(dir, { readonly: true });
    expect(await store.countCandles()).toBe(0);
    expect(await store.history({ limit: 5 })).toEqual([]);
    await expect(store.insertCandles([{}])).rejects.toThrow(/read-only/);
    await store.close();
    expect(existsSync(dir)).toBe(false);
  });

  it("read-only: an existing store is read and never written", async () => {
    const dir = tempDir();
    const writer = await openEmbeddedStore(dir);
    await writer.insertPosts([{ time: new Date("2023-01-15T01:00:00Z"), pair: "BTC-USDT", tweet_text: "t" }]);
    await writer.close();
    const reader = await openEmbeddedStore(dir, { readonly: true });
    expect(await reader.history({ limit: 5 })).toHaveLength(1);
    await expect(reader.acquireLock("run", 1000, new Date())).rejects.toThrow(StoreError);
    await reader.close();
    expect(existsSync(join(dir, "capbot.lock"))).toBe(false);
  });

  it("importing the same post ids twice keeps one copy of each", async () => {
    const store = await openEmbeddedStore(tempDir());
    const doc = {
      _id: "63987a3c0000000000000001",
      time: new Date("2022-12-13T12:21:00Z"),
      pair: "LINK-USDT",
    };
    expect(await store.insertPosts([{ ...doc }])).toBe(1);
    expect(await store.insertPosts([{ ...doc }])).toBe(0);
    expect(await store.history({ limit: 5 })).toHaveLength(1);
    await store.close();
  });

  it("§8 the lock file holds the owner and the expiry, and is gone once released", async () => {
    const dir = tempDir();
    const store = await openEmbeddedStore(dir);
    const now = new Date("2023-01-15T10:00:00Z");
    expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, "capbot.lock"), "utf8"))).toEqual({
      owner: "run-a",
      expiresAt: "2023-01-15T10:01:00.000Z",
      holder: expect.stringMatching(/ pid \d+$/),
    });
    await store.releaseLock("run-a");
    expect(existsSync(join(dir, "capbot.lock"))).toBe(false);
    await store.close();
  });

  it("§8 an unreadable lock file protects nothing and is taken over", async () => {
    const dir = tempDir();
    const store = await openEmbeddedStore(dir);
    writeFileSync(join(dir, "capbot.lock"), "{ half a lea");
    expect(await store.acquireLock("run-a", 60_000, new Date())).toBe(true);
    await store.close();
  });

  it("§8a a hand-made lock file that is no lease (no owner, no date string in expiresAt) is free and taken over", async () => {
    // 2030 as a number is no date string, though Date.parse("2030") would read it as a lease running now.
    const now = new Date("2029-12-31T23:59:30Z");
    const files = [
      { owner: "by-hand", expiresAt: 2030 },
      { owner: "by-hand", expiresAt: "not a date" },
      { expiresAt: "2030-01-01T00:00:00Z" },
    ];
    for (const fields of files) {
      const dir = tempDir();
      const store = await openEmbeddedStore(dir);
      writeFileSync(join(dir, "capbot.lock"), JSON.stringify(fields));
      expect(await store.lockInfo()).toBeNull();
      expect(await store.acquireLock("run-a", 60_000, now)).toBe(true);
      await store.close();
    }
  });

  it("doctor: a lock file without a holder (an older capbot, or a hand) names none", async () => {
    for (const holder of [undefined, 42]) {
      const dir = tempDir();
      const store = await openEmbeddedStore(dir);
      const lease = { owner: "run-old", expiresAt: "2030-01-01T00:00:00.000Z", holder };
      writeFileSync(join(dir, "capbot.lock"), JSON.stringify(lease));
      expect(await store.lockInfo()).toEqual({
        owner: "run-old",
        expiresAt: new Date("2030-01-01T00:00:00Z"),
        holder: null,
      });
      await store.close();
    }
  });

  it("§8 a lock file that cannot be read at all stops the run with what to do, and is left alone", async () => {
    const dir = tempDir();
    const store = await openEmbeddedStore(dir);
    mkdirSync(join(dir, "capbot.lock"));
    await expect(store.acquireLock("run-a", 60_000, new Date())).rejects.toThrow(StoreError);
    await expect(store.acquireLock("run-a", 60_000, new Date())).rejects.toThrow(
      `The lock file ${join(dir, "capbot.lock")} cannot be read (EISDIR): remove it or fix its permissions.`,
    );
    expect(statSync(join(dir, "capbot.lock")).isDirectory()).toBe(true);
    await store.close();
  });

  it("doctor: writable folder, format, candle counts, and stale data with exit code 3", async () => {
    const dir = tempDir();
    const store = await openEmbeddedStore(dir);
    const to = new Date("2023-01-16T00:00:00Z");
    const from = new Date("2023-01-15T00:00:00Z");
    await store.insertCandles([
      {
        timestamp: new Date("2023-01-15T12:00:00Z"),
        granularity: "1h",
        marketVenue: "okx",
        pair_symbol: "btc",
        pair_base: "usdt",
        volume: "1",
        close: "2",
      },
    ]);
    const checks = await store.doctor({ granularity: "1h", from, to }, 3 * 3_600_000, to);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["embedded store", true],
      ["store format", true],
      ["candles", true],
      ["data freshness", false],
    ]);
    expect(checks[2]?.detail).toMatch(/^1 candles stored, 1 1h candles/);
    expect(checks[3]).toMatchObject({ exitCode: 3 });
    expect(checks[3]?.detail).toBe(
      "the newest valid 1h candle (2023-01-15T12:00:00.000Z) is 12h old at 2023-01-16T00:00:00.000Z, over the limit of 3h",
    );
    const fresh = await store.doctor({ granularity: "1h", from, to }, 24 * 3_600_000, to);
    expect(fresh[3]?.ok).toBe(true);
    // §3's boundary: exactly maxDataAge old is still fresh.
    const atLimit = await store.doctor({ granularity: "1h", from, to }, 12 * 3_600_000, to);
    expect(atLimit[3]).toMatchObject({
      ok: true,
      detail: expect.stringContaining("within the limit of 12h"),
    });
    const off = await store.doctor({ granularity: "1h", from, to }, null, to);
    expect(off[3]).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/is 12h old .*; the age check is off$/),
    });
    await store.close();
  });

  it("doctor: no valid candle fails the freshness line with exit 3, with the age check on or off", async () => {
    const store = await openEmbeddedStore(tempDir());
    const to = new Date("2023-01-16T00:00:00Z");
    const query = { granularity: "1h", from: new Date("2023-01-15T00:00:00Z"), to };
    for (const maxDataAgeMs of [3 * 3_600_000, null]) {
      const checks = await store.doctor(query, maxDataAgeMs, to);
      expect(checks.find((c) => c.name === "data freshness")).toMatchObject({
        ok: false,
        exitCode: 3,
        detail: "no valid 1h candle before 2023-01-16T00:00:00.000Z",
      });
    }
    await store.close();
  });
});

/** Runs `node -e script` and collects its stdout lines. */
function child(script: string, args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", script, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.on("error", reject);
    proc.on("exit", (code) =>
      code === 0
        ? resolve(out.trim().split("\n").filter(Boolean))
        : reject(new Error(`child exited ${code}`)),
    );
  });
}

const embeddedModule = join(process.cwd(), "dist/store/embedded.js");

describe("embedded lock across processes", () => {
  it("§8 two processes racing for the lease never both get it", async () => {
    const dir = tempDir();
    // Both processes try, round after round, at the same wall-clock instants; the lease outlives a round.
    const script = `
      const { openEmbeddedStore } = await import(${JSON.stringify(embeddedModule)});
      const [dir, owner, start] = process.argv.slice(1);
      const store = await openEmbeddedStore(dir);
      for (let round = 0; round < 40; round++) {
        const at = Number(start) + round * 50;
        while (Date.now() < at) {}
        const now = new Date(at);
        const got = await store.acquireLock(owner + "-" + round, 30, now);
        console.log(round + " " + got);
      }
      await store.close();
    `;
    const start = String(Date.now() + 1500);
    const [a, b] = await Promise.all([child(script, [dir, "a", start]), child(script, [dir, "b", start])]);
    expect(a).toHaveLength(40);
    expect(b).toHaveLength(40);
    for (let round = 0; round < 40; round++) {
      const winners = [a[round], b[round]].filter((line) => line?.endsWith("true")).length;
      // Each round's lease has expired by the next round, so exactly one process takes each round.
      expect(winners, `round ${round}`).toBe(1);
    }
  });
});

describe("a run killed in the middle of a write", () => {
  it("leaves a hot journal that a read-only open (a dry run, history) rolls back instead of failing", async () => {
    const dir = tempDir();
    const store = await openEmbeddedStore(dir);
    await store.insertPosts([
      { time: new Date("2026-03-01T00:00:00Z"), pair: "BTC-USDT", tweet_text: "kept" },
    ]);
    await store.close();
    const file = join(dir, "capbot.sqlite");
    // A writer that spills an uncommitted transaction to the database file, then dies by SIGKILL.
    const writer = spawn(
      process.execPath,
      [
        "-e",
        `const D = require("better-sqlite3"); const db = new D(process.argv[1]);
         db.pragma("cache_size = 1"); db.exec("BEGIN IMMEDIATE; CREATE TABLE junk (x TEXT)");
         const ins = db.prepare("INSERT INTO junk VALUES (?)");
         for (let i = 0; i < 20000; i++) ins.run("x".repeat(200));
         process.stdout.write("ready\\n"); setInterval(() => {}, 1000);`,
        file,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => writer.stdout.once("data", () => resolve()));
    writer.kill("SIGKILL");
    await new Promise((resolve) => writer.once("exit", resolve));
    expect(existsSync(`${file}-journal`)).toBe(true);

    const reader = await openEmbeddedStore(dir, { readonly: true });
    const posts = await reader.history({ limit: 10 });
    await reader.close();
    expect(posts.map((p) => p.tweetText)).toEqual(["kept"]);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'junk'").all()).toEqual([]);
    db.close();
  });
});

/** Format 1's schema, copied from embedded-schema.ts as it was, so that the test keeps an old folder. */
const FORMAT_1_DDL = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('candle_count', 0);
  CREATE TABLE candle_docs (seq INTEGER PRIMARY KEY, doc TEXT NOT NULL);
  CREATE TABLE candles (
    granularity TEXT NOT NULL,
    ts INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    venue, symbol, base, volume, close,
    plain INTEGER NOT NULL,
    PRIMARY KEY (granularity, ts, seq)
  ) WITHOUT ROWID;
  CREATE TABLE posts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    readable INTEGER NOT NULL,
    pair TEXT,
    time_ms INTEGER,
    status TEXT,
    publisher TEXT
  );
  CREATE INDEX posts_by_time ON posts (time_ms);
  CREATE INDEX posts_by_status ON posts (status);
`;

/**
 * A format-1 or format-2 data directory holding `docs`, laid out as that format's insertCandles wrote
 * them (format 2 added the `market` column: `market_id` when it is a string, else null).
 */
function olderFolder(docs: RawCandle[], version: 1 | 2): string {
  const dir = tempDir();
  const db = new Database(join(dir, "capbot.sqlite"));
  db.exec(FORMAT_1_DDL);
  if (version === 2) db.exec("ALTER TABLE candles ADD COLUMN market");
  const keep = db.prepare("INSERT INTO candle_docs (doc) VALUES (?)");
  const index = db.prepare(
    "INSERT INTO candles (granularity, ts, seq, venue, symbol, base, volume, close, plain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const setMarket = version === 2 ? db.prepare("UPDATE candles SET market = ? WHERE seq = ?") : null;
  const plain = (v: unknown) =>
    v === undefined || v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
  db.transaction(() => {
    for (const doc of docs) {
      const seq = keep.run(stringifyExtendedJson(doc)).lastInsertRowid;
      const { granularity, timestamp, marketVenue, pair_symbol, pair_base, volume, close, market_id } = doc;
      if (typeof granularity !== "string" || !(timestamp instanceof Date)) continue;
      const values = [marketVenue, pair_symbol, pair_base, volume, close];
      if (values.every(plain)) {
        index.run(granularity, timestamp.getTime(), seq, ...values.map((v) => v ?? null), 1);
        setMarket?.run(typeof market_id === "string" ? market_id : null, seq);
      } else index.run(granularity, timestamp.getTime(), seq, null, null, null, null, null, 0);
    }
    db.prepare("UPDATE meta SET value = ? WHERE key = 'candle_count'").run(docs.length);
  })();
  db.pragma(`user_version = ${version}`);
  db.close();
  return dir;
}

function userVersion(dir: string): number {
  const db = new Database(join(dir, "capbot.sqlite"), { readonly: true });
  const version = db.pragma("user_version", { simple: true }) as number;
  db.close();
  return version;
}

const MIGRATION_TO = new Date("2023-01-16T00:00:00Z");
const MIGRATION_QUERY: SnapshotQuery = {
  granularity: "1h",
  from: new Date(MIGRATION_TO.getTime() - 24 * 3_600_000),
  to: MIGRATION_TO,
};

function oldCandle(hour: number, fields: RawCandle): RawCandle {
  return {
    timestamp: new Date(MIGRATION_QUERY.from.getTime() + hour * 3_600_000),
    marketVenue: "okx",
    pair_symbol: "ltc",
    pair_base: "usdt",
    granularity: "1h",
    close: "1",
    ...fields,
  };
}

describe("moving a format-1 data directory forward", () => {
  it("§2 §3 fills the market from the stored documents: spot and futures add up, a re-ingested copy counts once", async () => {
    const docs = [
      oldCandle(5, { market_id: "okx-ltc-usdt", volume: "100" }),
      oldCandle(5, { market_id: "okx-ltc-usdt-f", volume: "300" }),
      oldCandle(5, { market_id: "binance-ltc-usdt", marketVenue: "binance", volume: "300" }),
      oldCandle(5, { market_id: " OKX-LTC-USDT", volume: "90" }),
      // Without a market id, as a number, as an odd value (read from its document), and invalid.
      oldCandle(6, { volume: "7" }),
      oldCandle(6, { volume: "8", market_id: null }),
      oldCandle(6, { volume: "9", market_id: 12 }),
      oldCandle(7, { market_id: "okx-ltc-usdt-f", volume: { $numberDecimal: "11" } }),
      oldCandle(7, { market_id: "okx-ltc-usdt", volume: "13" }),
      oldCandle(8, { market_id: "okx-ltc-usdt", volume: "abc" }),
      { granularity: "1h", volume: "1" },
    ];
    const dir = olderFolder(docs, 1);

    // A read-only command still asks for one writing command first, and writes nothing.
    await expect(openEmbeddedStore(dir, { readonly: true })).rejects.toThrow(
      new RegExp(
        `format version 1 and this capbot reads ${FORMAT_VERSION}: run a command that writes \\(capbot run\\) once`,
      ),
    );
    expect(userVersion(dir)).toBe(1);

    const store = await openEmbeddedStore(dir);
    const snapshot = await store.snapshot(MIGRATION_QUERY);
    expect(await store.countCandles()).toBe(docs.length);
    await store.close();
    expectSameSnapshot(snapshot, snapshotOf(docs, MIGRATION_QUERY));
    expect(snapshot.markets.map((m) => [m.venue, m.volume, m.candles])).toEqual([
      ["binance", 300, 1],
      ["okx", 400 + 9 + 11 + 13, 5],
    ]);
    expect(snapshot.skippedCandles).toBe(1);
    expect(userVersion(dir)).toBe(FORMAT_VERSION);

    const reader = await openEmbeddedStore(dir, { readonly: true });
    expectSameSnapshot(await reader.snapshot(MIGRATION_QUERY), snapshot);
    await reader.close();
  });

  it("two processes opening a format-1 folder at once: one moves it forward, both read the same snapshot", async () => {
    const docs: RawCandle[] = [];
    for (let hour = 0; hour < 24; hour++) {
      for (let pair = 0; pair < 200; pair++) {
        for (const venue of ["okx", "binance"]) {
          for (const market of ["", "-f"]) {
            docs.push(
              oldCandle(hour, {
                market_id: `${venue}-tkn${pair}-usdt${market}`,
                marketVenue: venue,
                pair_symbol: `tkn${pair}`,
                volume: String(1 + ((hour * 7 + pair) % 13)),
              }),
            );
          }
        }
      }
    }
    const dir = olderFolder(docs, 1);
    const script = `
      const { openEmbeddedStore } = await import(${JSON.stringify(embeddedModule)});
      const [dir, start, from, to] = process.argv.slice(1);
      while (Date.now() < Number(start)) {}
      const store = await openEmbeddedStore(dir);
      const snapshot = await store.snapshot({ granularity: "1h", from: new Date(from), to: new Date(to) });
      await store.close();
      console.log(JSON.stringify(snapshot.markets));
    `;
    const args = [
      dir,
      String(Date.now() + 1500),
      MIGRATION_QUERY.from.toISOString(),
      MIGRATION_QUERY.to.toISOString(),
    ];
    const [a, b] = await Promise.all([child(script, args), child(script, args)]);
    expect(a).toEqual(b);
    const expected = snapshotOf(docs, MIGRATION_QUERY);
    expect(expected.markets).toHaveLength(400);
    expect(expected.markets.every((m) => m.candles === 48)).toBe(true);
    expectSameSnapshot({ ...expected, markets: JSON.parse(a[0] ?? "[]") }, expected);
    expect(userVersion(dir)).toBe(FORMAT_VERSION);
    // Moved forward once: one counted row per market and hour, one series per market.
    const db = new Database(join(dir, "capbot.sqlite"), { readonly: true });
    expect(db.prepare("SELECT count(*) FROM counted").pluck().get()).toBe(docs.length);
    expect(db.prepare("SELECT count(*) FROM series").pluck().get()).toBe(800);
    db.close();
  });
});

function storedDocs(dir: string): unknown[] {
  const db = new Database(join(dir, "capbot.sqlite"), { readonly: true });
  const docs = db.prepare("SELECT seq, doc FROM candle_docs ORDER BY seq").all();
  db.close();
  return docs;
}

describe("moving a format-2 data directory forward (format 3 judges each candle once, at import)", () => {
  it("§3 §3a reads every stored document as an import would: validity, duplicates, decimals, prior windows", async () => {
    const query: SnapshotQuery = { ...MIGRATION_QUERY, priorWindows: 7 };
    const docs = [
      oldCandle(3, { market_id: "okx-ltc-usdt", volume: "100" }),
      oldCandle(3, { market_id: "okx-ltc-usdt-f", volume: { $numberDecimal: "1e3" } }),
      oldCandle(3, { market_id: " OKX-LTC-USDT", volume: "90" }),
      oldCandle(4, { market_id: "okx-ltc-usdt", volume: "abc" }),
      // Prior window 1: a re-ingested copy counts once, an invalid candle is not skipped.
      oldCandle(-2, { market_id: "okx-ltc-usdt", volume: "5" }),
      oldCandle(-2, { market_id: "okx-ltc-usdt", volume: "7" }),
      oldCandle(-2, { market_id: "okx-ltc-usdt", volume: "NaN" }),
      // Prior window 2, and before the seventh: never read.
      oldCandle(-30, { market_id: "okx-ltc-usdt", volume: "2e1" }),
      oldCandle(-24 * 7 - 1, { market_id: "okx-ltc-usdt", volume: "999" }),
      // Volume in a prior window only: not a market.
      oldCandle(-2, { market_id: "binance-ltc-usdt", marketVenue: "binance", volume: "50" }),
      oldCandle(5, { granularity: "1m", volume: "3" }),
      { granularity: "1h", volume: "1" },
    ];
    const dir = olderFolder(docs, 2);
    const before = storedDocs(dir);

    await expect(openEmbeddedStore(dir, { readonly: true })).rejects.toThrow(
      new RegExp(
        `format version 2 and this capbot reads ${FORMAT_VERSION}: run a command that writes \\(capbot run\\) once`,
      ),
    );
    expect(userVersion(dir)).toBe(2);

    const store = await openEmbeddedStore(dir);
    const snapshot = await store.snapshot(query);
    expect(await store.countCandles()).toBe(docs.length);
    await store.close();
    expect(userVersion(dir)).toBe(FORMAT_VERSION);
    expectSameSnapshot(snapshot, snapshotOf(docs, query));
    expect(snapshot.markets.map((m) => [m.venue, m.volume, m.candles, m.prior])).toEqual([
      ["okx", 1100, 2, [7, 20, 0, 0, 0, 0, 0]],
    ]);
    expect(snapshot.skippedCandles).toBe(1);
    // The documents themselves stay exactly as they arrived.
    expect(storedDocs(dir)).toEqual(before);

    const reader = await openEmbeddedStore(dir, { readonly: true });
    expect(await reader.snapshot(query)).toEqual(snapshot);
    await reader.close();
  });
});
