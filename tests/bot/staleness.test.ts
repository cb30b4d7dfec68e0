// SPEC §3 stale data through the run itself (runCycle, dry run, on an embedded store): the boundary and
// the words of the reason come from core/freshness, and a run with no valid candle stops whatever the
// age check says.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCycle } from "../../src/bot.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { createLocalPublisher } from "../../src/publish/local.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import type { Store } from "../../src/store/port.js";

const HOUR = 3_600_000;
const NEWEST = new Date("2026-03-02T09:00:00Z");

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "capbot-bot-"));
  store = await openEmbeddedStore(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function candle(venue: string, volume: string) {
  return {
    timestamp: NEWEST,
    granularity: "1h",
    market_id: `${venue}-btc-usdt`,
    marketVenue: venue,
    pair_symbol: "btc",
    pair_base: "usdt",
    volume,
    close: "60000",
  };
}

/** A dry run at `asOf` with the given limit (null: --max-data-age off), on `on` (the embedded store). */
function dryRun(asOf: Date, maxDataAgeMs: number | null, on: Store = store) {
  const config = {
    ...loadConfig({}, { env: { CAPBOT_DATA_DIR: dir }, cwd: dir }),
    dryRun: true,
    asOf,
    maxDataAgeMs,
  };
  return runCycle(config, {
    store: on,
    publishers: [createLocalPublisher(dir)],
    logger: createLogger({ level: "silent", format: "json" }),
    runId: "run-1",
  });
}

describe("the run's staleness guard (§3)", () => {
  it("§3 posts from data exactly maxDataAge old, and refuses it one millisecond older, giving the age", async () => {
    await store.insertCandles([candle("binance", "3"), candle("okx", "1")]);
    const atLimit = await dryRun(new Date(NEWEST.getTime() + 3 * HOUR), 3 * HOUR);
    expect(atLimit).toMatchObject({ status: "dry-run", pair: "BTC-USDT" });

    const over = await dryRun(new Date(NEWEST.getTime() + 3 * HOUR + 1), 3 * HOUR);
    expect(over).toMatchObject({ status: "error", exitCode: 3 });
    expect(over.error).toBe(
      "The data is stale: the newest valid 1h candle (2026-03-02T09:00:00.000Z) is 3h old at 2026-03-02T12:00:00.001Z, " +
        "just over the limit of 3h; set CAPBOT_MAX_DATA_AGE or --max-data-age to change the limit.",
    );
    expect((await dryRun(new Date(NEWEST.getTime() + 3 * HOUR + 1), null)).status).toBe("dry-run");
  });

  it("§3 no valid candle before as-of stops the run with exit 3 and what to do, with the age check on or off", async () => {
    // A candle at as-of itself is not before it.
    await store.insertCandles([candle("binance", "3"), candle("okx", "1")]);
    for (const maxDataAgeMs of [3 * HOUR, null]) {
      const result = await dryRun(NEWEST, maxDataAgeMs);
      expect(result).toMatchObject({ status: "error", exitCode: 3 });
      expect(result.error).toBe(
        "There is no valid 1h candle before 2026-03-02T09:00:00.000Z: import candles (capbot import FILE) or load the demo data (capbot demo).",
      );
    }
  });

  it("§3 on MongoDB, no valid candle points at the collection and the granularity instead", async () => {
    // The embedded store's answers, as a MongoDB store would give them.
    const mongo = new Proxy(store, {
      get: (target, key) => {
        if (key === "kind") return "mongodb";
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const result = await dryRun(NEWEST, 3 * HOUR, mongo);
    expect(result).toMatchObject({ status: "error", exitCode: 3 });
    expect(result.error).toBe(
      "There is no valid 1h candle before 2026-03-02T09:00:00.000Z: check the ohlcv collection and the candles' granularity.",
    );
  });
});
