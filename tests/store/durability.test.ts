// A run killed at any moment (kill -9, power cut) loses no acknowledged write and leaves no half-written
// record: a child process writes intents, posts and candle batches in a loop, printing each write after
// it returned; it is killed with SIGKILL at random moments, and the store is checked after every kill.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { normalisePost } from "../../src/core/thread.js";
import { parseExtendedJson } from "../../src/store/ejson.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";

const dir = mkdtempSync(join(tmpdir(), "capbot-durability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BATCH = 50;
const writer = `
  const { openEmbeddedStore } = await import(${JSON.stringify(join(process.cwd(), "dist/store/embedded.js"))});
  const [dir, round] = process.argv.slice(1);
  const store = await openEmbeddedStore(dir);
  const say = (line) => process.stdout.write(line + "\\n");
  say("ready");
  for (let i = 0; ; i++) {
    const time = new Date(Date.UTC(2023, 0, 15) + i * 1000);
    const id = await store.insertIntent({ time, pair: "BTC-USDT", tweetText: "t".repeat(200), inReplyTo: null, publisher: "local", runId: round });
    say("I " + id);
    await store.markPosted(id, { tweetId: round + "-" + i, time, inReplyTo: null });
    say("P " + id + " " + round + "-" + i);
    const candles = Array.from({ length: ${BATCH} }, (_, k) => ({ timestamp: time, granularity: "1h", marketVenue: "v" + k, volume: "1" }));
    await store.insertCandles(candles);
    say("C " + ${BATCH});
  }
`;

/** Starts the writer, kills it with SIGKILL a random while after it is ready, and returns what it acknowledged. */
function writeUntilKilled(round: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", writer, dir, String(round)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    let armed = false;
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!armed && out.includes("ready")) {
        armed = true;
        setTimeout(() => proc.kill("SIGKILL"), 100 + Math.floor(Math.random() * 400));
      }
    });
    proc.on("error", reject);
    proc.on("exit", (_code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`the writer ended by itself (${signal})`));
      // Only whole lines count: the last one may have been cut by the kill.
      else resolve(out.split("\n").slice(0, -1));
    });
  });
}

describe("durability", () => {
  it("after kill -9 at random moments, every acknowledged write is there and every record is whole", async () => {
    const posted = new Map<string, string>();
    const inserted = new Set<string>();
    let candles = 0;
    for (let round = 0; round < 5; round++) {
      for (const line of await writeUntilKilled(round)) {
        const [kind, id, tweetId] = line.split(" ");
        if (kind === "I" && id) inserted.add(id);
        if (kind === "P" && id && tweetId) posted.set(id, tweetId);
        if (kind === "C") candles += BATCH;
      }

      const store = await openEmbeddedStore(dir);
      const history = await store.history({ limit: 1_000_000 });
      const byId = new Map(history.map((p) => [p.id, p]));
      for (const id of inserted) expect(byId.has(id), `intent ${id}`).toBe(true);
      for (const [id, tweetId] of posted) expect(byId.get(id)).toMatchObject({ status: "posted", tweetId });
      // A candle batch is stored whole or not at all.
      const stored = await store.countCandles();
      expect(stored).toBeGreaterThanOrEqual(candles);
      expect(stored % BATCH).toBe(0);
      await store.close();

      const db = new Database(join(dir, "capbot.sqlite"), { readonly: true });
      const rows = db.prepare("SELECT id, doc, status FROM posts").all() as {
        id: string;
        doc: string;
        status: string;
      }[];
      for (const row of rows) {
        const record = normalisePost(parseExtendedJson(row.doc) as Record<string, unknown>, row.id);
        expect(record?.status, `post ${row.id}`).toBe(row.status);
        expect(record?.tweetText).toBe("t".repeat(200));
      }
      expect(db.prepare("SELECT count(*) FROM candle_docs").pluck().get()).toBe(stored);
      db.close();
    }
    expect(posted.size).toBeGreaterThan(0);
  });
});
