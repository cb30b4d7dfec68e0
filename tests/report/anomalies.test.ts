// How the guard's findings read (SPEC §3a "every exclusion and hold is reported"): one sentence each,
// and one warning per anomaly in the logs.

import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { anomalyText, logAnomalies } from "../../src/report/anomalies.js";
import { OUTLIER, SPIKE } from "./fixtures.js";

describe("anomalies as a person reads them", () => {
  it("one line: pair, venue, kind, action and the figures", () => {
    expect(anomalyText(OUTLIER)).toBe(
      "BTC-USDT on okx: price outlier, excluded — VWAP 113.05 is 13.1% above the median 100 of the pair's 3 venues (limit 10%)",
    );
    expect(anomalyText(SPIKE)).toMatch(
      /^SOL-USDT on binance: volume spike, held — window volume 3140 is 31\.4×/,
    );
  });

  it("logs one warning per anomaly with its fields, and nothing when there are none", () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "info",
      format: "json",
      destination: { write: (l: string) => lines.push(l) > 0 } as NodeJS.WritableStream,
    });
    logAnomalies(logger, []);
    expect(lines).toEqual([]);
    logAnomalies(logger, [OUTLIER, SPIKE]);
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      events.map((e) => [e["level"], e["event"], e["kind"], e["action"], e["pair"], e["venue"]]),
    ).toEqual([
      ["warn", "anomaly", "price-outlier", "excluded", "BTC-USDT", "okx"],
      ["warn", "anomaly", "volume-spike", "held", "SOL-USDT", "binance"],
    ]);
    expect(events[0]?.["detail"]).toBe(OUTLIER.detail);
    expect(events[1]?.["msg"]).toBe(anomalyText(SPIKE));
  });
});
