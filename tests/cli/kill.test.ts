// SPEC §8, "Recording (exactly once)", end to end: `capbot run` is killed with SIGKILL at each named phase
// of its life, in a fixed order that reaches every phase on every run of this test (the failpoints of
// src/failpoints.ts, not random delays): with the lock taken, after reconciling, with its intent written
// and nothing published, just before the publish, between its chart and its outbox line, with the post
// published and not recorded, and with it recorded and the lock still held. After each kill the dead
// run's lease is made to run out (the lock file's expiry moved into the past, as time would), and a
// normal run reconciles what it left. In the end the local timeline and the post records agree one to
// one: nothing published twice, nothing published and unrecorded, nothing left pending, every chart
// named by its line, and the timeline still turns through the pairs in the spec's order, each post
// replying to the previous one of its pair. The first run's demo fill is killed the same way, in a
// folder of its own.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Failpoint } from "../../src/failpoints.js";
import { CLI, cleanEnv, cli, ejsonCandle, expireLock, tempDir, writeNdjson } from "./helpers.js";

const dir = tempDir("capbot-kill-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The spec's order for the data below (usd: BTC 1.4 M, ETH 0.78 M, SOL 0.2 M). */
const ROTATION = ["BTC-USDT", "ETH-USDT", "SOL-USD"];

interface OutboxLine {
  id: string;
  time: string;
  in_reply_to: string | null;
  text: string;
  intent_id: string;
  media?: string;
}

interface HistoryEntry {
  status: string | null;
  publisher: string | null;
  postId: string | null;
  pair: string;
  text: string;
}

/** Every non-empty line must be whole JSON: a kill must never leave a torn line behind. */
function readOutbox(dataDir: string): OutboxLine[] {
  const path = join(dataDir, "outbox.ndjson");
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  expect(text === "" || text.endsWith("\n"), "the outbox ends with a whole line").toBe(true);
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as OutboxLine);
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The run's JSON result, when it printed one. */
  out: { status?: string; postId?: string | null; reason?: string };
  /** The outcomes of the pending intents it reconciled, from its JSON logs. */
  reconciled: unknown[];
}

function runCapbot(env: Record<string, string>, failpoint: string | null): Run {
  const r = spawnSync(process.execPath, [CLI, "run", "--json"], {
    env: cleanEnv(failpoint === null ? env : { ...env, CAPBOT_FAILPOINT: `kill:${failpoint}` }),
    cwd: tmpdir(),
    encoding: "utf8",
    timeout: 60_000,
  });
  const logs = r.stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return []; // a log line cut by the kill
      }
    });
  let out: Run["out"] = {};
  try {
    out = JSON.parse(r.stdout);
  } catch {
    // killed before it printed: nothing to read
  }
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    out,
    reconciled: logs.filter((l) => l["msg"] === "reconciled a pending post").map((l) => l["outcome"]),
  };
}

/** Each phase, and what the dead run left: lines on the timeline, and what the next run reconciles. */
const PHASES: readonly { point: Failpoint; added: number; reconciled: unknown[] }[] = [
  { point: "after-lock", added: 0, reconciled: [] },
  { point: "after-reconcile", added: 0, reconciled: [] },
  { point: "after-intent", added: 0, reconciled: ["failed"] },
  { point: "before-publish", added: 0, reconciled: ["failed"] },
  { point: "local-chart-written", added: 0, reconciled: ["failed"] },
  { point: "after-publish", added: 1, reconciled: ["posted"] },
  { point: "after-record", added: 1, reconciled: [] },
];

function pairOf(text: string): string {
  return /^Top Market Venues for ([A-Z0-9]+-[A-Z0-9]+):/.exec(text)?.[1] ?? `unreadable: ${text}`;
}

function history(env: Record<string, string>): HistoryEntry[] {
  const h = cli(["history", "--json", "--limit", "1000"], env);
  expect(h.code, h.stderr).toBe(0);
  return JSON.parse(h.stdout) as HistoryEntry[];
}

/** The timeline and the records, one to one; nothing pending; every chart named by its line. */
function agree(dataDir: string, env: Record<string, string>, normals: Run[]): OutboxLine[] {
  const outbox = readOutbox(dataDir);
  const records = history(env);
  expect(
    records.filter((p) => p.status === "pending"),
    "left pending",
  ).toEqual([]);
  const outboxIds = outbox.map((l) => l.id);
  expect(new Set(outboxIds).size, "an outbox id appears twice").toBe(outboxIds.length);
  const intents = outbox.map((l) => l.intent_id);
  expect(new Set(intents).size, "an intent was published twice").toBe(intents.length);
  for (const line of outbox) {
    const matching = records.filter((p) => p.postId === line.id);
    expect(matching, `the records of outbox line ${line.id}`).toHaveLength(1);
    expect(matching[0], `outbox line ${line.id}`).toMatchObject({
      status: "posted",
      publisher: "local",
      text: line.text,
    });
  }
  // …and the other way round: no post counts as made on the local timeline without its line there.
  const ids = new Set(outboxIds);
  const orphans = records.filter(
    (p) => p.status === "posted" && p.publisher === "local" && !ids.has(p.postId ?? ""),
  );
  expect(orphans, "posted records without an outbox line").toEqual([]);
  for (const n of normals) {
    if (n.out.status === "posted") expect(ids.has(n.out.postId ?? "")).toBe(true);
  }
  const files = readdirSync(dataDir);
  const named = new Set(outbox.flatMap((l) => (l.media ? [l.media] : [])));
  expect(
    files.filter((f) => f.endsWith(".png") && !named.has(f)),
    "charts no line names",
  ).toEqual([]);
  expect(
    files.filter((f) => f.includes(".tmp")),
    "temporary files",
  ).toEqual([]);
  return outbox;
}

describe("SIGKILL at every phase of `capbot run` (SPEC §8, exactly once)", () => {
  it("leaves the local timeline and the post records one to one, nothing pending, nothing twice", {
    timeout: 120_000,
  }, () => {
    const dataDir = join(dir, "data");
    const env = { CAPBOT_DATA_DIR: dataDir, LOG_FORMAT: "json" };
    const hour = 3_600_000;
    const now = Date.now();
    const candles = [1, 2].flatMap((h) => {
      const ts = new Date(Math.floor(now / hour) * hour - h * hour).toISOString();
      return [
        ejsonCandle(ts, "binance", "btc", "usdt", "10", "50000"),
        ejsonCandle(ts, "coinbase", "btc", "usdt", "4", "50000"),
        ejsonCandle(ts, "binance", "eth", "usdt", "100", "3000"),
        ejsonCandle(ts, "okx", "eth", "usdt", "30", "3000"),
        ejsonCandle(ts, "kraken", "sol", "usd", "1000", "100"),
        ejsonCandle(ts, "coinbase", "sol", "usd", "300", "100"),
      ];
    });
    const imported = cli(["import", writeNdjson(dir, "candles.ndjson", candles), "--into", "ohlcv"], env);
    expect(imported.code, imported.stderr).toBe(0);
    /**
     * Before each run, a little more volume on every pair, so that no post's figures equal its pair's last
     * ones (SPEC §5 passes those over) while the ranking stays BTC, ETH, SOL.
     */
    let runs = 0;
    const run = (failpoint: string | null): Run => {
      runs++;
      const at = new Date(Math.floor(now / hour) * hour - hour - runs * 1000).toISOString();
      const more = [
        ejsonCandle(at, "bitstamp", "btc", "usdt", "0.01", "50000"),
        ejsonCandle(at, "bitstamp", "eth", "usdt", "0.1", "3000"),
        ejsonCandle(at, "bitstamp", "sol", "usd", "1", "100"),
      ];
      expect(
        cli(["import", writeNdjson(dir, `more-${runs}.ndjson`, more), "--into", "ohlcv"], env).code,
      ).toBe(0);
      return runCapbot(env, failpoint);
    };

    const normals: Run[] = [run(null)];
    expect(normals[0]?.out.status, normals[0]?.stderr).toBe("posted");
    for (const phase of PHASES) {
      const where = `killed at ${phase.point}`;
      const before = readOutbox(dataDir).length;
      const killed = run(phase.point);
      expect(killed.signal, `${where}: the run ended by itself: ${killed.stderr}`).toBe("SIGKILL");
      expect(readOutbox(dataDir).length - before, `${where}: lines it added`).toBe(phase.added);

      expireLock(dataDir);
      const next = run(null);
      normals.push(next);
      expect(next.code, `${where}, the next run: ${next.stderr}`).toBe(0);
      expect(next.out.status, `${where}, the next run: ${next.stdout}`).toBe("posted");
      expect(next.reconciled, `${where}, what the next run reconciled`).toEqual(phase.reconciled);
      agree(dataDir, env, normals);
    }

    const outbox = agree(dataDir, env, normals);
    expect(outbox).toHaveLength(1 + PHASES.length + PHASES.filter((p) => p.added === 1).length);
    // Every post that reached the timeline counted for choosing, so the timeline turns through the pairs
    // in order and each post replies to the previous post of its pair: a published post that was never
    // recorded would show here as the same pair twice in a row, or as a broken thread.
    expect(outbox.map((l) => pairOf(l.text))).toEqual(outbox.map((_, i) => ROTATION[i % ROTATION.length]));
    outbox.forEach((line, i) => {
      expect(line.in_reply_to, `the reply target of outbox line ${i}`).toBe(
        i < ROTATION.length ? null : outbox[i - ROTATION.length]!.id,
      );
    });
  });

  it("a first run killed inside its demo fill leaves nothing; the next fills the store and posts once", {
    timeout: 60_000,
  }, () => {
    const dataDir = join(dir, "demo");
    const env = { CAPBOT_DATA_DIR: dataDir, LOG_FORMAT: "json", CAPBOT_CHART: "off" };
    const killed = runCapbot(env, "demo-fill@2");
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(history(env)).toEqual([]);
    expireLock(dataDir);
    const next = runCapbot(env, null);
    expect(next.out.status, next.stderr).toBe("posted");
    expect(history(env).filter((p) => p.status === "legacy")).toHaveLength(4);
    agree(dataDir, env, [next]);
  });
});
