// A RunResult to start from in report, metrics and scheduler tests; each test overrides what it checks.

import type { Anomaly } from "../../src/core/types.js";
import type { RunResult } from "../../src/result.js";

export function runResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    status: "posted",
    pair: "BTC-USDT",
    text: "Top Market Venues for BTC-USDT:\nBinance: 60.00%\nOKX: 40.00%",
    inReplyTo: null,
    postId: "1890000000000000001",
    publisher: "x",
    rankBy: "usd",
    asOf: "2026-03-02T12:00:00.000Z",
    window: { from: "2026-03-01T12:00:00.000Z", to: "2026-03-02T12:00:00.000Z" },
    granularity: "1h",
    candidates: [
      { pair: "ETH-USDT", metric: 2_000_000, lastPostedAt: "2026-03-02T11:00:00.000Z" },
      { pair: "BTC-USDT", metric: 5_000_000, lastPostedAt: null },
    ],
    venues: [
      { venue: "binance", label: "Binance", volume: 60, share: 0.6 },
      { venue: "okx", label: "OKX", volume: 40, share: 0.4 },
    ],
    posts: [
      {
        publisher: "x",
        status: "posted",
        postId: "1890000000000000001",
        inReplyTo: null,
        url: "https://x.com/i/web/status/1890000000000000001",
      },
    ],
    anomalies: [],
    skippedCandles: 0,
    unpricedPairs: 0,
    runId: "run-test-1",
    exitCode: 0,
    warnings: [],
    ...overrides,
  };
}

/** One finding of each kind of the anomaly guard, as the core words them. */
export const OUTLIER: Anomaly = {
  pair: "BTC-USDT",
  venue: "okx",
  kind: "price-outlier",
  action: "excluded",
  detail: "VWAP 113.05 is 13.1% above the median 100 of the pair's 3 venues (limit 10%)",
};
export const SPIKE: Anomaly = {
  pair: "SOL-USDT",
  venue: "binance",
  kind: "volume-spike",
  action: "held",
  detail: "window volume 3140 is 31.4× the median 100 of its 7 prior windows with volume (limit 20×)",
};
