import { describe, expect, it } from "vitest";
import { rankPairs, USD_STABLECOINS, usdRates } from "../../src/core/rank.js";
import type { MarketAggregate } from "../../src/core/types.js";
import { market } from "./fixtures.js";

describe("rankPairs (§4)", () => {
  it("§4 volume is Σ base volume over venues; quote is Σ volume × close", () => {
    const markets = [market("BTC-USDT", "binance", 2, 20_000), market("BTC-USDT", "okx", 1, 21_000)];
    expect(rankPairs(markets, "volume", 10).ranked).toEqual([{ pair: "BTC-USDT", metric: 3 }]);
    expect(rankPairs(markets, "quote", 10).ranked).toEqual([{ pair: "BTC-USDT", metric: 61_000 }]);
  });

  it("§4 USD and the USD stablecoins have rate 1", () => {
    expect([...USD_STABLECOINS].sort()).toEqual(
      ["BUSD", "DAI", "FDUSD", "GUSD", "PYUSD", "TUSD", "USD", "USDC", "USDD", "USDP", "USDT"].sort(),
    );
    const markets = [market("BTC-USD", "kraken", 1, 100), market("ETH-FDUSD", "binance", 1, 50)];
    expect(rankPairs(markets, "usd", 10).ranked).toEqual([
      { pair: "BTC-USD", metric: 100 },
      { pair: "ETH-FDUSD", metric: 50 },
    ]);
  });

  it("§4 another quote is priced from Q-USD first, as the volume-weighted mean close over all venues", () => {
    const markets = [
      market("BTC-EUR", "kraken", 2, 100),
      market("EUR-USD", "kraken", 1, 1.0),
      market("EUR-USD", "bitstamp", 3, 1.2),
      market("EUR-USDT", "binance", 1000, 5),
    ];
    const rate = (1 * 1.0 + 3 * 1.2) / 4;
    expect(usdRates(markets).get("EUR")).toBeCloseTo(rate, 12);
    const btc = rankPairs(markets, "usd", 10).ranked.find((r) => r.pair === "BTC-EUR");
    expect(btc?.metric).toBeCloseTo(200 * rate, 9);
  });

  it("§4 then Q-USDT, then Q-USDC", () => {
    const viaUsdt = [
      market("BTC-EUR", "kraken", 1, 100),
      market("EUR-USDT", "b", 1, 2),
      market("EUR-USDC", "b", 1, 3),
    ];
    expect(usdRates(viaUsdt).get("EUR")).toBe(2);
    const viaUsdc = [market("BTC-EUR", "kraken", 1, 100), market("EUR-USDC", "b", 1, 3)];
    expect(usdRates(viaUsdc).get("EUR")).toBe(3);
  });

  it("§4 a pricing market with zero volume is passed over", () => {
    const markets = [
      market("BTC-EUR", "kraken", 1, 100),
      market("EUR-USD", "k", 0, 1.1),
      market("EUR-USDT", "b", 1, 1.2),
    ];
    expect(usdRates(markets).get("EUR")).toBe(1.2);
  });

  it("§4 a rate is a finite price above 0: a pricing market whose mean close is 0 or beyond the doubles is passed over", () => {
    const link = market("LINK-ETH", "binance", 100, 0.01);
    const viaUsdt = market("ETH-USDT", "binance", 1, 2_000);
    const metric = (pricing: MarketAggregate) => rankPairs([link, pricing, viaUsdt], "usd", 10).ranked;
    // Mean close 1e300 / 1e-300: Infinity in doubles.
    expect(metric({ ...market("ETH-USD", "kraken", 1e-300, 1), notional: 1e300 })).toContainEqual({
      pair: "LINK-ETH",
      metric: 2_000,
    });
    // A notional that underflowed to 0: mean close 0.
    expect(metric({ ...market("ETH-USD", "kraken", 1, 1), notional: 0 })).toContainEqual({
      pair: "LINK-ETH",
      metric: 2_000,
    });
  });

  it("§4 two spellings of one pair that disagree on the quote: the smallest one prices it, whatever the order", () => {
    // "A-B" quoted in USDT and "A" quoted in "B-USDT" are both the pair A-B-USDT; "B-USDT" has no rate.
    const ab = { ...market("A-B-USDT", "binance", 1, 10), symbol: "A-B", base: "USDT" };
    const a = { ...market("A-B-USDT", "okx", 1, 10), symbol: "A", base: "B-USDT" };
    for (const markets of [
      [ab, a],
      [a, ab],
    ]) {
      expect(rankPairs(markets, "usd", 10)).toEqual({ ranked: [], unpricedPairs: 1 });
    }
  });

  it("§4 a pair whose quote has no rate is left out and counted in unpricedPairs", () => {
    const markets = [
      market("BTC-EUR", "kraken", 1, 100),
      market("ETH-GBP", "k", 1, 10),
      market("BTC-USDT", "b", 1, 1),
    ];
    const result = rankPairs(markets, "usd", 10);
    expect(result.ranked.map((r) => r.pair)).toEqual(["BTC-USDT"]);
    expect(result.unpricedPairs).toBe(2);
    expect(rankPairs(markets, "quote", 10).unpricedPairs).toBe(0);
  });

  it("§4 pairs whose metric is 0 are left out", () => {
    const markets = [market("BTC-USDT", "b", 0, 100), market("ETH-USDT", "b", 1, 10)];
    expect(rankPairs(markets, "volume", 10).ranked.map((r) => r.pair)).toEqual(["ETH-USDT"]);
  });

  it("§4 descending metric, ties by pair ascending, first N", () => {
    const markets = [
      market("ZEC-USDT", "b", 1, 10),
      market("ADA-USDT", "b", 1, 10),
      market("BTC-USDT", "b", 1, 1000),
      market("ETH-USDT", "b", 1, 5),
    ];
    expect(rankPairs(markets, "usd", 3).ranked.map((r) => r.pair)).toEqual([
      "BTC-USDT",
      "ADA-USDT",
      "ZEC-USDT",
    ]);
  });

  it("§4 ranking by usd keeps a cheap coin's huge base volume below BTC", () => {
    const markets = [market("SHIB-USDT", "b", 1e12, 0.00001), market("BTC-USDT", "b", 1000, 20_000)];
    expect(rankPairs(markets, "usd", 2).ranked[0]?.pair).toBe("BTC-USDT");
    expect(rankPairs(markets, "volume", 2).ranked[0]?.pair).toBe("SHIB-USDT");
  });
});
