import { describe, expect, it } from "vitest";
import { type PlanOptions, plan } from "../../src/core/plan.js";
import type { Snapshot } from "../../src/core/types.js";
import { NothingToPostError } from "../../src/errors.js";
import { market } from "./fixtures.js";

const OPTIONS: PlanOptions = { rankBy: "usd", top: 100, venues: 5, labels: {}, pair: null };

function snapshot(markets: Snapshot["markets"]): Snapshot {
  return { markets, skippedCandles: 0, newestCandleAt: null };
}

const MARKETS = [
  market("BTC-USDT", "binance", 3, 20_000),
  market("BTC-USDT", "okx", 1, 20_000),
  market("BTC-USDT", "kraken", 0, 20_000),
  market("ETH-USDT", "binance", 10, 1_000),
  market("ETH-EUR", "kraken", 10, 1_000),
];

describe("plan (§4–§7)", () => {
  it("§5 posts the never-posted candidate first and replies to its thread tip", () => {
    const states = [
      {
        pair: "BTC-USDT",
        lastPostedAt: new Date("2023-01-10T00:00:00Z"),
        lastText: null,
        threadTip: "111",
        tipThread: null,
      },
    ];
    const result = plan(snapshot(MARKETS), states, OPTIONS);
    expect(result.pair).toBe("ETH-USDT");
    expect(result.inReplyTo).toBeNull();
    expect(result.candidates).toEqual([
      { pair: "BTC-USDT", metric: 80_000, lastPostedAt: new Date("2023-01-10T00:00:00Z") },
      { pair: "ETH-USDT", metric: 10_000, lastPostedAt: null },
    ]);
    expect(result.unpricedPairs).toBe(1);
    expect(result.text).toBe("Top Market Venues for ETH-USDT:\nBinance: 100.00%");
  });

  it("§7 the chosen pair's thread tip is the reply target; venues list all with volume, by volume", () => {
    const result = plan(snapshot(MARKETS), [], {
      ...OPTIONS,
      rankBy: "volume",
      labels: { okx: "OKX Global" },
    });
    expect(result.pair).toBe("ETH-EUR");
    const forced = plan(
      snapshot(MARKETS),
      [{ pair: "BTC-USDT", lastPostedAt: null, lastText: null, threadTip: "42", tipThread: null }],
      {
        ...OPTIONS,
        pair: " btc-usdt ",
        labels: { okx: "OKX Global" },
      },
    );
    expect(forced.pair).toBe("BTC-USDT");
    expect(forced.inReplyTo).toBe("42");
    expect(forced.venues).toEqual([
      { venue: "binance", label: "Binance", volume: 3, share: 0.75 },
      { venue: "okx", label: "OKX Global", volume: 1, share: 0.25 },
    ]);
    expect(forced.text).toBe("Top Market Venues for BTC-USDT:\nBinance: 75.00%\nOKX Global: 25.00%");
  });

  it("§5 --pair forces a pair that is not a candidate (unpriced) when it has counted candles", () => {
    const result = plan(snapshot(MARKETS), [], { ...OPTIONS, pair: "ETH-EUR" });
    expect(result.pair).toBe("ETH-EUR");
    expect(result.candidates.map((c) => c.pair)).not.toContain("ETH-EUR");
  });

  it("§5 --pair without counted candles with volume is nothing to post (exit 3)", () => {
    expect(() => plan(snapshot(MARKETS), [], { ...OPTIONS, pair: "BTC-EUR" })).toThrow(
      new NothingToPostError("BTC-EUR has no counted candles in the window"),
    );
  });

  it("§3 no counted candles is nothing to post (exit 3)", () => {
    const attempt = () => plan(snapshot([]), [], OPTIONS);
    expect(attempt).toThrow(NothingToPostError);
    expect(attempt).toThrow(/No candles counted/);
  });

  it("§4 only unpriced pairs is nothing to post, and says why", () => {
    expect(() => plan(snapshot([market("ETH-EUR", "kraken", 1, 1)]), [], OPTIONS)).toThrow(/priced in USD/);
  });
});
