// The embedded store: the shared contract on a temporary data directory, then what only it has — the
// format version, read-only opening, the lock file across real processes, and its doctor lines.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import { FORMAT_VERSION } from "../../src/store/embedded-schema.js";
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
    expect(checks[3]?.detail).toMatch(/12\.0 h old/);
    const fresh = await store.doctor({ granularity: "1h", from, to }, 24 * 3_600_000, to);
    expect(fresh[3]?.ok).toBe(true);
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
    await store.insertPosts([{ time: new Date("2026-03-01T00:00:00Z"), pair: "BTC-USDT", tweet_text: "kept" }]);
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
