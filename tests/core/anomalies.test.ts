// SPEC §3a, rule by rule at and around its boundary: price outliers are excluded, volume spikes hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnomalyOptions, guardMarkets } from "../../src/core/anomalies.js";
import { NothingPostableError, type PlanOptions, plan } from "../../src/core/plan.js";
import { compareRatio, decimal, medianRatio, quotient, relativeDistance } from "../../src/core/ratio.js";
import type { MarketAggregate, Snapshot } from "../../src/core/types.js";
import { market } from "./fixtures.js";

const GUARD: AnomalyOptions = { enabled: true, maxPriceDeviation: 0.1, spikeFactor: 20 };
const OPTIONS: PlanOptions = {
  rankBy: "usd",
  top: 100,
  venues: 5,
  labels: {},
  pair: null,
  anomalies: GUARD,
  minVenues: 1,
};

function snapshot(markets: MarketAggregate[]): Snapshot {
  return { markets, skippedCandles: 0, newestCandleAt: null };
}

/** A venue of BTC-USDT whose window VWAP is exactly `vwap` (volume 1). */
function at(venue: string, vwap: number): MarketAggregate {
  return market("BTC-USDT", venue, 1, vwap);
}

/** A venue of `pair` with `volume` in the window and the given prior windows' volumes. */
function spiking(pair: string, venue: string, volume: number, prior: number[]): MarketAggregate {
  return { ...market(pair, venue, volume, 1), prior };
}

function excluded(markets: MarketAggregate[], options: AnomalyOptions = GUARD): string[] {
  return guardMarkets(markets, options)
    .anomalies.filter((a) => a.action === "excluded")
    .map((a) => a.venue);
}

function held(markets: MarketAggregate[], options: AnomalyOptions = GUARD): string[] {
  return guardMarkets(markets, options)
    .anomalies.filter((a) => a.action === "held")
    .map((a) => a.venue);
}

describe("§3a price outliers", () => {
  it("§3a exactly 10% from the median is kept; 10% and a hair more is excluded", () => {
    expect(excluded([at("a", 100), at("b", 100), at("c", 110)])).toEqual([]);
    expect(excluded([at("a", 100), at("b", 100), at("c", 90)])).toEqual([]);
    expect(excluded([at("a", 100), at("b", 100), at("c", 110.00000000000001)])).toEqual(["c"]);
    expect(excluded([at("a", 100), at("b", 100), at("c", 89.99999999999999)])).toEqual(["c"]);
  });

  it("§3a the boundary holds for decimal figures that binary doubles miss (1.1 against 1; 130 against 100 at 30%)", () => {
    expect(excluded([at("a", 1), at("b", 1), at("c", 1.1)])).toEqual([]);
    expect(excluded([at("a", 1), at("b", 1), at("c", 1.1000000000000003)])).toEqual(["c"]);
    const thirty = { ...GUARD, maxPriceDeviation: 0.3 };
    expect(excluded([at("a", 100), at("b", 100), at("c", 130)], thirty)).toEqual([]);
    expect(excluded([at("a", 100), at("b", 100), at("c", 70)], thirty)).toEqual([]);
  });

  it("§3a the VWAP is the venue's notional over its volume", () => {
    const heavy = { ...market("BTC-USDT", "c", 4, 0), notional: 4 * 110 };
    expect(excluded([at("a", 100), at("b", 100), heavy])).toEqual([]);
    expect(excluded([at("a", 100), at("b", 100), { ...heavy, notional: 4 * 111 }])).toEqual(["c"]);
  });

  it("§3a two venues with volume are never checked; three are", () => {
    expect(excluded([at("a", 100), at("b", 1_000)])).toEqual([]);
    expect(excluded([at("a", 100), at("b", 1_000), market("BTC-USDT", "c", 0, 100)])).toEqual([]);
    expect(excluded([at("a", 100), at("b", 1_000), at("c", 100)])).toEqual(["b"]);
  });

  it("§3a the median of an even count is the mean of the middle two", () => {
    // Median 110: 100 and 120 are 9.1% off, 90 and 130 are 18.2% off. The lower middle (100) as the
    // median would exclude 120; the upper (120) would exclude 100.
    expect(excluded([at("a", 90), at("b", 100), at("c", 120), at("d", 130)])).toEqual(["a", "d"]);
  });

  it("§3a a pair's venues are compared with that pair's median only", () => {
    const eth = [1, 2, 3].map((i) => market("ETH-USDT", `e${i}`, 1, 2_000));
    expect(excluded([at("a", 100), at("b", 100), ...eth])).toEqual([]);
  });

  it("§3a reports the excluded venue with its VWAP, the median, the deviation and the limit", () => {
    const { anomalies, counted } = guardMarkets([at("a", 100), at("b", 100), at("c", 113.2)], GUARD);
    expect(anomalies).toEqual([
      {
        pair: "BTC-USDT",
        venue: "c",
        kind: "price-outlier",
        action: "excluded",
        detail: "VWAP 113.2 is 13.2% above the median 100 of the pair's 3 venues (limit 10%)",
      },
    ]);
    expect(counted.map((m) => m.venue)).toEqual(["a", "b"]);
  });

  it("§3a a deviation just past the limit prints apart from the limit", () => {
    const [anomaly] = guardMarkets([at("a", 100), at("b", 100), at("c", 89.9999)], GUARD).anomalies;
    expect(anomaly?.detail).toBe(
      "VWAP 89.9999 is 10.0001% below the median 100 of the pair's 3 venues (limit 10%)",
    );
  });

  it("§3a a deviation a hair past the limit, decided on the exact decimals, prints how far past it is", () => {
    const [anomaly] = guardMarkets([at("a", 1), at("b", 1), at("c", 1.100000001)], GUARD).anomalies;
    expect(anomaly?.detail).toBe(
      "VWAP 1.1 is 10.0000001% above the median 1 of the pair's 3 venues (limit 10%)",
    );
  });

  it("§3a an excluded venue counts for nothing: not in the shares, the ranking or the venues", () => {
    const markets = [
      market("BTC-USDT", "binance", 10, 100),
      market("BTC-USDT", "glitch", 1_000, 1),
      market("BTC-USDT", "kraken", 10, 100),
      market("BTC-USDT", "okx", 20, 100),
    ];
    const result = plan(snapshot(markets), [], OPTIONS);
    expect(result.text).toBe("Top Market Venues for BTC-USDT:\nOKX: 50.00%\nBinance: 25.00%\nKraken: 25.00%");
    expect(result.venues.map((v) => v.venue)).toEqual(["okx", "binance", "kraken"]);
    expect(result.candidates).toEqual([{ pair: "BTC-USDT", metric: 4_000, lastPostedAt: null }]);
    expect(result.anomalies.map((a) => [a.venue, a.kind, a.action])).toEqual([
      ["glitch", "price-outlier", "excluded"],
    ]);
    const off = plan(snapshot(markets), [], { ...OPTIONS, anomalies: { ...GUARD, enabled: false } });
    expect(off.candidates[0]?.metric).toBe(5_000);
    expect(off.venues[0]?.venue).toBe("glitch");
  });

  it("§3a --anomalies off: every market counts, and nothing is excluded, held or reported", () => {
    const markets = [at("a", 100), at("b", 100), at("c", 1_000), spiking("BTC-USDT", "d", 1e9, [1, 1, 1])];
    const off = guardMarkets(markets, { ...GUARD, enabled: false });
    expect(off.counted).toEqual(markets);
    expect(off.anomalies).toEqual([]);
    expect(off.holds.size).toBe(0);
  });

  it("§3a USD pricing ignores excluded venues (an outlier on ETH-USD does not move ETH-quoted pairs)", () => {
    const markets = [
      market("ETH-USD", "bad", 1_000, 20),
      market("ETH-USD", "bitstamp", 10, 2_000),
      market("ETH-USD", "coinbase", 10, 2_000),
      market("ETH-USD", "kraken", 10, 2_000),
      market("LINK-ETH", "binance", 100, 0.01),
    ];
    const metricOf = (result: { candidates: { pair: string; metric: number }[] }) =>
      result.candidates.find((c) => c.pair === "LINK-ETH")?.metric;
    expect(metricOf(plan(snapshot(markets), [], OPTIONS))).toBe(2_000);
    const off = plan(snapshot(markets), [], { ...OPTIONS, anomalies: { ...GUARD, enabled: false } });
    expect(metricOf(off)).toBeCloseTo((80_000 / 1_030) * 1, 6);
  });

  it("§3a --pair on a pair whose every venue was excluded is nothing to post, and says so", () => {
    const split = [at("a", 1), at("b", 1), at("c", 100), at("d", 100)];
    expect(excluded(split)).toEqual(["a", "b", "c", "d"]);
    const attempt = () => plan(snapshot(split), [], { ...OPTIONS, pair: "BTC-USDT" });
    expect(attempt).toThrow(NothingPostableError);
    expect(attempt).toThrow("BTC-USDT has no venue left: the anomaly guard excluded every one of them");
  });
});

describe("§3a volume spikes", () => {
  const SEVEN = [100, 100, 100, 100, 100, 100, 100];

  it("§3a more than 20× the median of the prior windows holds the pair; exactly 20× does not", () => {
    expect(held([spiking("BTC-USDT", "a", 2_000, SEVEN)])).toEqual([]);
    expect(held([spiking("BTC-USDT", "a", 2_000.0000000000002, SEVEN)])).toEqual(["a"]);
    expect(held([spiking("BTC-USDT", "a", 20.000000000000004, [1, 1, 1])])).toEqual(["a"]);
  });

  it("§3a the median is of the prior windows, not their mean (a single big window does not mask a spike)", () => {
    expect(held([spiking("BTC-USDT", "a", 2_001, [100, 100, 100, 100, 1_000_000, 100, 100])])).toEqual(["a"]);
  });

  it("§3a two prior windows with volume are no baseline; three are", () => {
    expect(held([spiking("BTC-USDT", "a", 1e9, [100, 100, 0, 0, 0, 0, 0])])).toEqual([]);
    expect(held([spiking("BTC-USDT", "a", 1e9, [100, 0, 100, 0, 100, 0, 0])])).toEqual(["a"]);
  });

  it("§3a windows without volume do not enter the median (it is 100, not 0)", () => {
    expect(held([spiking("BTC-USDT", "a", 2_000, [100, 100, 100, 0, 0, 0, 0])])).toEqual([]);
    expect(held([spiking("BTC-USDT", "a", 2_001, [100, 100, 100, 0, 0, 0, 0])])).toEqual(["a"]);
  });

  it("§3a a market without prior windows is never held", () => {
    expect(held([market("BTC-USDT", "a", 1e12, 1)])).toEqual([]);
  });

  it("§3a an excluded venue is not checked for a spike", () => {
    const markets = [at("a", 100), at("b", 100), { ...at("c", 1_000), prior: [0.001, 0.001, 0.001] }];
    const { anomalies, holds } = guardMarkets(markets, GUARD);
    expect(anomalies.map((a) => [a.venue, a.kind])).toEqual([["c", "price-outlier"]]);
    expect(holds.size).toBe(0);
  });

  it("§3a reports the spike with the window volume, the prior median, the ratio and the factor", () => {
    const { anomalies, holds } = guardMarkets([spiking("BTC-USDT", "binance", 3_140, SEVEN)], GUARD);
    expect(anomalies).toEqual([
      {
        pair: "BTC-USDT",
        venue: "binance",
        kind: "volume-spike",
        action: "held",
        detail: "window volume 3140 is 31.4× the median 100 of its 7 prior windows with volume (limit 20×)",
      },
    ]);
    expect(holds.get("BTC-USDT")).toBe(
      "held: binance's volume is 31.4× the median of its 7 prior windows with volume (limit 20×)",
    );
  });

  it("§3a a held pair keeps its rank among the candidates, with its reason, and the next in line is posted", () => {
    const markets = [
      spiking("BTC-USDT", "binance", 5_000, [100, 100, 100]),
      market("BTC-USDT", "okx", 1_000, 1),
      market("ETH-USDT", "binance", 10, 1),
    ];
    const result = plan(snapshot(markets), [], OPTIONS);
    expect(result.pair).toBe("ETH-USDT");
    expect(result.candidates).toEqual([
      {
        pair: "BTC-USDT",
        metric: 6_000,
        lastPostedAt: null,
        reason: "held: binance's volume is 50× the median of its 3 prior windows with volume (limit 20×)",
      },
      { pair: "ETH-USDT", metric: 10, lastPostedAt: null },
    ]);
    expect(result.anomalies.map((a) => [a.pair, a.venue, a.action])).toEqual([
      ["BTC-USDT", "binance", "held"],
    ]);
  });

  it("§3a holds are reported for the pairs the run could post; exclusions for every pair", () => {
    const markets = [
      at("a", 100),
      at("b", 100),
      at("c", 1_000),
      { ...market("BTC-USDT", "d", 10, 100), prior: [0.1, 0.1, 0.1] },
      market("ETH-USDT", "x", 1e6, 1),
    ];
    const top1 = plan(snapshot(markets), [], { ...OPTIONS, top: 1 });
    expect(top1.candidates.map((c) => c.pair)).toEqual(["ETH-USDT"]);
    expect(top1.anomalies.map((a) => [a.venue, a.action])).toEqual([["c", "excluded"]]);
    const all = plan(snapshot(markets), [], OPTIONS);
    expect(all.anomalies.map((a) => [a.venue, a.action])).toEqual([
      ["c", "excluded"],
      ["d", "held"],
    ]);
  });

  it("§3a --pair on a held pair that is not a candidate reports its hold too", () => {
    const markets = [
      spiking("BTC-USDT", "binance", 5_000, [100, 100, 100]),
      market("ETH-USDT", "okx", 1e6, 1),
    ];
    let refused: unknown;
    try {
      plan(snapshot(markets), [], { ...OPTIONS, top: 1, pair: "BTC-USDT" });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(NothingPostableError);
    const { candidates, anomalies } = refused as NothingPostableError;
    expect(candidates.map((c) => c.pair)).toEqual(["ETH-USDT"]);
    expect(anomalies.map((a) => [a.pair, a.venue, a.action])).toEqual([["BTC-USDT", "binance", "held"]]);
  });

  it("§3a --pair on a held pair is nothing to post, with the reason", () => {
    const markets = [spiking("BTC-USDT", "binance", 5_000, [100, 100, 100]), market("ETH-USDT", "okx", 1, 1)];
    const attempt = () => plan(snapshot(markets), [], { ...OPTIONS, pair: "btc-usdt" });
    expect(attempt).toThrow(NothingPostableError);
    expect(attempt).toThrow(
      "BTC-USDT may not be posted: held: binance's volume is 50× the median of its 3 prior windows with volume " +
        "(limit 20×); --anomalies off posts it anyway",
    );
  });
});

describe("§3a the guard decides as the exact rule does, at and near every limit", () => {
  const ULP = 2 ** -52;
  const nudge = fc.constantFrom(1, 1 + ULP, 1 - ULP, 1 + 1e-12, 1 - 1e-12);
  const limits = fc.constantFrom(0.05, 0.1, 0.25, 0.3, 1 / 3);
  const magnitude = fc.constantFrom(1, 100, 1.1, 0.0001234, 2_000.5, 1e-310, 1e290);

  it("§3a price outliers: excluded exactly when the decimals' deviation is beyond the limit", () => {
    const venue = fc.record({
      volume: fc.oneof(fc.constantFrom(0, 1, 3, 0.7, 1e-308), fc.double({ min: 0, max: 1e6, noNaN: true })),
      side: fc.oneof(fc.constantFrom(-1, 0, 1), fc.double({ min: -2, max: 2, noNaN: true })),
      nudge,
    });
    fc.assert(
      fc.property(
        magnitude,
        limits,
        fc.array(venue, { minLength: 1, maxLength: 7 }),
        (base, limit, venues) => {
          const markets = venues.map(({ volume, side, nudge }, i) => {
            const vwap = Math.max(0, base * (1 + side * limit) * nudge);
            return {
              ...market("BTC-USDT", `v${i}`, volume, 1),
              notional: Math.min(vwap * volume, Number.MAX_VALUE),
            };
          });
          const options = { ...GUARD, maxPriceDeviation: limit };
          expect(excluded(markets, options)).toEqual(exactOutliers(markets, limit));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("§3a volume spikes: held exactly when the decimals' ratio is beyond the factor", () => {
    const factors = fc.constantFrom(20, 2.5, 3, 0.3);
    const prior = fc.array(
      fc.oneof(fc.constant(0), magnitude, fc.double({ min: 0, max: 1e6, noNaN: true })),
      {
        minLength: 7,
        maxLength: 7,
      },
    );
    fc.assert(
      fc.property(
        prior,
        factors,
        nudge,
        fc.double({ min: 0, max: 2, noNaN: true }),
        (prior, factor, nudge, k) => {
          const positive = prior.filter((v) => v > 0).sort((a, b) => a - b);
          const middle = positive[positive.length >> 1] ?? 1;
          for (const volume of [middle * factor * nudge, middle * factor * k]) {
            const venue = spiking("BTC-USDT", "a", Math.min(volume, Number.MAX_VALUE), prior);
            expect(held([venue], { ...GUARD, spikeFactor: factor })).toEqual(
              exactSpike(venue, factor) ? ["a"] : [],
            );
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe("§3a figures that doubles cannot hold are compared exactly, on the decimals they print as", () => {
  /** A venue of BTC-USDT with the given window volume and notional. */
  const priced = (venue: string, volume: number, notional: number) => ({
    ...market("BTC-USDT", venue, volume, 1),
    notional,
  });

  it("§3a VWAPs below the smallest double: 3e-324, 3e-324 and 4e-324 are apart, though all round to 5e-324", () => {
    // The median of the four is 3.5e-324: every venue is more than 10% from it.
    const tiny = [
      priced("a", 1e200, 3e-124),
      priced("b", 1e200, 3e-124),
      priced("c", 1e200, 4e-124),
      priced("d", 1e200, 1e-100),
    ];
    expect(excluded(tiny)).toEqual(["a", "b", "c", "d"]);
  });

  it("§3a a volume below the doubles' precision: its VWAP is its decimals' quotient", () => {
    // 1.5e-300 / 1.5e-323 is exactly 1e23, the other venues' price; the doubles would say 1.2% more.
    const markets = [priced("a", 1, 1e23), priced("b", 1, 1e23), priced("c", 1.5e-323, 1.5e-300)];
    expect(excluded(markets, { ...GUARD, maxPriceDeviation: 0.01 })).toEqual([]);
  });

  it("§3a prior windows below the doubles' precision: 1e-300 is 2e23 times 5e-324, not 2.02e23", () => {
    const venue = spiking("BTC-USDT", "a", 1e-300, [5e-324, 5e-324, 5e-324, 5e-324, 1]);
    expect(held([venue], { ...GUARD, spikeFactor: 2.01e23 })).toEqual([]);
    expect(held([venue], { ...GUARD, spikeFactor: 1.99e23 })).toEqual(["a"]);
  });

  it("§3a a window and prior windows below the doubles' precision: 4.4e-323 is 8.8 times 5e-324", () => {
    const venue = spiking("BTC-USDT", "a", 4.4e-323, [5e-324, 5e-324, 5e-324]);
    expect(held([venue], { ...GUARD, spikeFactor: 8.9 })).toEqual([]);
    expect(held([venue], { ...GUARD, spikeFactor: 8.7 })).toEqual(["a"]);
  });

  it("§3a exactly the factor does not hold, however large: 7e11 is exactly 1e12 times 0.7", () => {
    expect(held([spiking("BTC-USDT", "a", 7e11, [0.7, 0.7, 0.7])], { ...GUARD, spikeFactor: 1e12 })).toEqual(
      [],
    );
    expect(
      held([spiking("BTC-USDT", "a", 7.000001e11, [0.7, 0.7, 0.7])], { ...GUARD, spikeFactor: 1e12 }),
    ).toEqual(["a"]);
  });
});

/** The rule of §3a, straight from the spec, on exact ratios only: the oracle of the guard's fast path. */
function exactOutliers(markets: MarketAggregate[], limit: number): string[] {
  const priced = markets.filter((m) => m.volume > 0);
  if (priced.length < 3) return [];
  const vwaps = priced.map((m) => quotient(decimal(m.notional), decimal(m.volume)));
  const center = medianRatio(vwaps);
  if (center.n === 0n) return [];
  return priced
    .filter((_, i) => compareRatio(relativeDistance(vwaps[i] ?? center, center), decimal(limit)) > 0)
    .map((m) => m.venue);
}

function exactSpike(venue: MarketAggregate, factor: number): boolean {
  const prior = (venue.prior ?? []).filter((v) => v > 0);
  if (prior.length < 3) return false;
  return compareRatio(quotient(decimal(venue.volume), medianRatio(prior.map(decimal))), decimal(factor)) > 0;
}
