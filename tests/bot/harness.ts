// The posting cycle in-process (runCycle) on an embedded store in a temp folder, with publishers that
// do what each test says: the exactly-once and lease rules of SPEC §8 and §8a, seen from the cycle.

import { type CycleDeps, runCycle } from "../../src/bot.js";
import { type Config, loadConfig } from "../../src/config.js";
import type { TextLimit } from "../../src/core/limits.js";
import type { PostRecord, PublisherName } from "../../src/core/types.js";
import { createLogger, type Logger } from "../../src/log.js";
import type { Publisher, PublishRequest, PublishResult, Reconciliation } from "../../src/publish/port.js";
import type { RunResult } from "../../src/result.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import type { Store } from "../../src/store/port.js";
import { tempDir } from "../temp-dir.js";

export const AS_OF = new Date("2026-03-02T12:00:00Z");
const HOUR = 3_600_000;

function candle(at: Date, venue: string, symbol: string, base: string, volume: number, close: number) {
  return {
    timestamp: at,
    granularity: "1h",
    market_id: `${venue}-${symbol}-${base}`,
    marketVenue: venue,
    pair_symbol: symbol,
    pair_base: base,
    volume: String(volume),
    close: String(close),
  };
}

/** Three pairs on two venues each, ranked BTC, ETH, SOL by USD volume. */
function candles(): Record<string, unknown>[] {
  const at = new Date(AS_OF.getTime() - HOUR);
  return [
    candle(at, "binance", "btc", "usdt", 10, 50_000),
    candle(at, "okx", "btc", "usdt", 4, 50_000),
    candle(at, "binance", "eth", "usdt", 100, 3_000),
    candle(at, "okx", "eth", "usdt", 30, 3_000),
    candle(at, "kraken", "sol", "usd", 1_000, 100),
    candle(at, "coinbase", "sol", "usd", 300, 100),
  ];
}

/**
 * A little more volume on every pair, on a third venue at its own instant: every pair's figures change
 * (SPEC §5 passes over a pair whose text equals its last post), the ranking stays BTC, ETH, SOL.
 */
function more(n: number): Record<string, unknown>[] {
  const at = new Date(AS_OF.getTime() - 2 * HOUR - n * 1000);
  return [
    candle(at, "bitstamp", "btc", "usdt", 0.01, 50_000),
    candle(at, "bitstamp", "eth", "usdt", 0.1, 3_000),
    candle(at, "bitstamp", "sol", "usd", 1, 100),
  ];
}

export interface Bench {
  dir: string;
  store: Store;
  config: (env?: Record<string, string>) => Config;
  /** One cycle at AS_OF, after a little more volume on every pair. */
  run: (publishers: Publisher[], env?: Record<string, string>, options?: RunOptions) => Promise<RunResult>;
  /** Every log line of every run so far, parsed. */
  logs: LogLine[];
}

export interface RunOptions {
  /** Settings beyond the environment's (a dry run). */
  config?: Partial<Config>;
  /** In place of the cycle's defaults (a chart, no clock). */
  deps?: Partial<CycleDeps>;
}

export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A logger at level info whose lines land, parsed, in `lines`. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = {
    write(line: string) {
      lines.push(JSON.parse(line) as LogLine);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ level: "info", format: "json", destination }), lines };
}

/** A fresh embedded store with the three pairs; `run` is one cycle at AS_OF. */
export async function bench(): Promise<Bench> {
  const dir = tempDir("capbot-bot-");
  const store = await openEmbeddedStore(dir);
  await store.insertCandles(candles());
  const config = (env: Record<string, string> = {}) => ({
    ...loadConfig({}, { env: { CAPBOT_DATA_DIR: dir, CAPBOT_CHART: "off", ...env }, cwd: dir }),
    asOf: AS_OF,
  });
  const { logger, lines: logs } = capturingLogger();
  let runs = 0;
  const run = async (publishers: Publisher[], env: Record<string, string> = {}, options: RunOptions = {}) => {
    await store.insertCandles(more(++runs));
    return runCycle(
      { ...config(env), ...options.config },
      {
        store,
        publishers,
        logger,
        runId: `run-${runs}`,
        now: () => new Date(AS_OF.getTime() + runs * 60_000),
        ...options.deps,
      },
    );
  };
  return { dir, store, config, run, logs };
}

export interface FakePublisher extends Publisher {
  /** Every publish request, in order. */
  requests: PublishRequest[];
  /** Every intent it was asked to reconcile, in order. */
  reconciled: PostRecord[];
}

export interface Behaviour {
  publish?: (request: PublishRequest, n: number) => Promise<PublishResult>;
  reconcile?: (intent: PostRecord) => Promise<Reconciliation>;
  /** X's limit unless told. */
  limit?: TextLimit;
}

/** A publisher that passes the fence, then posts (or does what `behaviour` says). */
export function fakePublisher(name: PublisherName, behaviour: Behaviour = {}): FakePublisher {
  const requests: PublishRequest[] = [];
  const reconciled: PostRecord[] = [];
  return {
    name,
    requests,
    reconciled,
    textLimit: async () => behaviour.limit ?? { kind: "x" },
    async publish(request) {
      requests.push(request);
      if (behaviour.publish) return behaviour.publish(request, requests.length);
      await request.fence();
      return posted(request, `${name}-${requests.length}`);
    },
    async reconcile(intent) {
      reconciled.push(intent);
      return behaviour.reconcile ? behaviour.reconcile(intent) : { status: "failed", error: "not found" };
    },
    check: async () => ({ name: `publisher ${name}`, ok: true, detail: "fake" }),
  };
}

export function posted(request: PublishRequest, id: string): PublishResult {
  return {
    id,
    time: new Date(request.intentTime.getTime() + 1_000),
    inReplyTo: request.inReplyTo?.id ?? null,
    threadRestarted: false,
    warnings: [],
    thread: null,
    url: `https://example.test/${id}`,
  };
}
