// How a run's result reads on stdout: `run --json` (SPEC §9's object, in its order) and `preview`'s
// table — with the anomaly guard's reasons and findings, and exactly as before on a clean run.

import { describe, expect, it } from "vitest";
import { previewText } from "../../src/cli/actions/preview.js";
import { runJson } from "../../src/cli/output.js";
import { OUTLIER, runResult, SPIKE } from "../report/fixtures.js";

const REASON = "held: binance's volume is 31.4× the median of its 7 prior windows with volume (limit 20×)";
const PASSED_OVER = runResult({
  status: "dry-run",
  candidates: [
    { pair: "SOL-USDT", metric: 9_000_000, lastPostedAt: null, reason: REASON },
    { pair: "BTC-USDT", metric: 5_000_000, lastPostedAt: null },
  ],
  anomalies: [OUTLIER, SPIKE],
});

describe("run --json", () => {
  it("prints SPEC §9's keys in its order, posts and anomalies after venues", () => {
    const keys = Object.keys(JSON.parse(runJson(runResult({ status: "skipped", reason: "r" }))));
    expect(keys).toEqual([
      "status",
      "pair",
      "text",
      "inReplyTo",
      "postId",
      "publisher",
      "rankBy",
      "asOf",
      "window",
      "granularity",
      "candidates",
      "venues",
      "posts",
      "anomalies",
      "skippedCandles",
      "unpricedPairs",
      "reason",
    ]);
  });

  it("carries the anomalies and a candidate's reason only when it has one", () => {
    const json = JSON.parse(runJson(PASSED_OVER));
    expect(json.anomalies).toEqual([OUTLIER, SPIKE]);
    expect(json.candidates[0]).toEqual({
      pair: "SOL-USDT",
      metric: 9_000_000,
      lastPostedAt: null,
      reason: REASON,
    });
    expect(Object.keys(json.candidates[1])).toEqual(["pair", "metric", "lastPostedAt"]);
  });
});

describe("preview", () => {
  it("a clean run has no reason column and no anomalies section", () => {
    const text = previewText(runResult({ status: "dry-run" }));
    expect(text).toMatch(/^#\s+pair\s+usd \(USD\)\s+last posted$/m);
    expect(text).not.toContain("Anomalies");
  });

  it("shows each passed-over candidate's reason, and the exclusions and holds with their figures", () => {
    const text = previewText(PASSED_OVER);
    expect(text).toMatch(/^#\s+pair\s+usd \(USD\)\s+last posted\s+passed over$/m);
    expect(text).toMatch(
      /^ 1 {2}SOL-USDT +9\.00M {2}never +held: binance's volume is 31\.4× .* \(limit 20×\)$/m,
    );
    expect(text).toMatch(/^→2 {2}BTC-USDT +5\.00M {2}never$/m);
    expect(text).toContain(
      "\nAnomalies:\n" +
        "  BTC-USDT on okx: price outlier, excluded — VWAP 113.05 is 13.1% above the median 100 of the pair's 3 venues (limit 10%)\n" +
        "  SOL-USDT on binance: volume spike, held — window volume 3140 is 31.4× the median 100 of its 7 prior windows with volume (limit 20×)\n",
    );
  });
});
