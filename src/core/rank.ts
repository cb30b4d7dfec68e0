// Ranking the pairs (SPEC §4): base volume, quote volume, or quote volume in USD, with the quote
// currency priced from the window's own candles.

import { exactSum } from "./exact.js";
import { compareText } from "./order.js";
import type { MarketAggregate, RankBy } from "./types.js";

export const USD_STABLECOINS: ReadonlySet<string> = new Set([
  "USD",
  "USDT",
  "USDC",
  "BUSD",
  "DAI",
  "TUSD",
  "USDP",
  "FDUSD",
  "PYUSD",
  "USDD",
  "GUSD",
]);

/** The USD markets a quote currency is priced from, in order of preference. */
const PRICING_QUOTES = ["USD", "USDT", "USDC"];

interface PairTotals {
  pair: string;
  base: string;
  volume: number;
  notional: number;
}

/** Each pair's markets, in the order they come; pairs in the order they first appear. */
export function marketsByPair(markets: MarketAggregate[]): Map<string, MarketAggregate[]> {
  const byPair = new Map<string, MarketAggregate[]>();
  for (const market of markets) {
    const group = byPair.get(market.pair);
    if (group === undefined) byPair.set(market.pair, [market]);
    else group.push(market);
  }
  return byPair;
}

/** Σ volume and Σ notional per pair, over all its venues, sorted by pair. */
function pairTotals(markets: MarketAggregate[]): Map<string, PairTotals> {
  const totals = new Map<string, PairTotals>();
  // Stryker disable next-line MethodExpression,ArrowFunction: rankPairs sorts the pairs itself, and a quote's rate depends on no order
  for (const [pair, group] of [...marketsByPair(markets)].sort(([a], [b]) => compareText(a, b))) {
    // Two spellings of one pair name can disagree on the base; the smallest one wins, whatever the order.
    // Stryker disable next-line StringLiteral: a pair's group holds at least one market
    const base = group.map((m) => m.base).sort(compareText)[0] ?? "";
    totals.set(pair, {
      pair,
      base,
      volume: bounded(exactSum(group.map((m) => m.volume))),
      notional: bounded(exactSum(group.map((m) => m.notional))),
    });
  }
  return totals;
}

function bounded(x: number): number {
  return Math.min(x, Number.MAX_VALUE);
}

/**
 * Quote currency → USD rate: 1 for USD and its stablecoins; else the volume-weighted mean close of
 * `Q-USD`, else `Q-USDT`, else `Q-USDC`, over all venues (a market with no volume is passed over).
 * Currencies that cannot be priced are absent.
 */
export function usdRates(markets: MarketAggregate[]): Map<string, number> {
  return ratesOf(pairTotals(markets));
}

function ratesOf(totals: Map<string, PairTotals>): Map<string, number> {
  const rates = new Map<string, number>();
  for (const { base } of totals.values()) {
    // Stryker disable next-line ConditionalExpression: pricing a quote again gives the same rate; this only saves the work (true is killed)
    if (rates.has(base)) continue;
    if (USD_STABLECOINS.has(base)) {
      rates.set(base, 1);
      continue;
    }
    for (const quote of PRICING_QUOTES) {
      const market = totals.get(`${base}-${quote}`);
      if (
        market === undefined ||
        // Stryker disable next-line ConditionalExpression: a market without volume has no finite rate above 0 either (0 / 0 or x / 0), and is passed over below
        market.volume === 0
      )
        continue;
      const rate = market.notional / market.volume;
      if (Number.isFinite(rate) && rate > 0) {
        rates.set(base, rate);
        break;
      }
    }
  }
  return rates;
}

/**
 * The candidates (SPEC §4): pairs by metric, descending, ties by pair ascending, the first `top`.
 * Pairs whose quote has no USD rate (ranking by `usd` only) are left out and counted, whatever their
 * volume; pairs whose metric is 0 are left out.
 */
export function rankPairs(
  markets: MarketAggregate[],
  rankBy: RankBy,
  top: number,
): { ranked: { pair: string; metric: number }[]; unpricedPairs: number } {
  const totals = pairTotals(markets);
  // Stryker disable next-line ConditionalExpression: rates are read only when ranking by usd; this only saves the work (false is killed)
  const rates = rankBy === "usd" ? ratesOf(totals) : new Map<string, number>();
  const ranked: { pair: string; metric: number }[] = [];
  let unpricedPairs = 0;
  for (const totalsOfPair of totals.values()) {
    let metric: number;
    if (rankBy === "volume") metric = totalsOfPair.volume;
    else if (rankBy === "quote") metric = totalsOfPair.notional;
    else {
      const rate = rates.get(totalsOfPair.base);
      if (rate === undefined) {
        unpricedPairs++;
        continue;
      }
      metric = bounded(totalsOfPair.notional * rate);
    }
    if (metric > 0) ranked.push({ pair: totalsOfPair.pair, metric });
  }
  ranked.sort((a, b) => b.metric - a.metric || compareText(a.pair, b.pair));
  return { ranked: ranked.slice(0, Math.max(0, top)), unpricedPairs };
}
