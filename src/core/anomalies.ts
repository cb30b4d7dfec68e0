// The anomaly guard (SPEC §3a), before anything is ranked. Per pair, a venue whose price is far from the
// other venues' (a ticker that means another coin, a bad decimal) is excluded from the figures; a venue
// whose volume jumps far above its own recent windows (a glitch, a unit mix-up, a re-sent day) holds the
// pair for the run. Boundaries are compared exactly (ratio.ts): exactly the limit is kept; doubles decide
// only where they are clearly apart from it.

import { marketsByPair } from "./rank.js";
import {
  clearlyApart,
  compareRatio,
  decimal,
  medianRatio,
  precise,
  quotient,
  relativeDistance,
  toNumber,
} from "./ratio.js";
import type { Anomaly, MarketAggregate } from "./types.js";

export interface AnomalyOptions {
  /** Off (`--anomalies off`): every market counts and no pair is held. */
  enabled: boolean;
  /** A fraction: 0.1 excludes a venue whose VWAP is more than 10% from the median of the pair's VWAPs. */
  maxPriceDeviation: number;
  /** A venue whose window volume is more than this many times the median of its prior windows holds the pair. */
  spikeFactor: number;
}

export interface Guarded {
  /** The snapshot's markets, grouped by pair as they come, without the excluded venues' markets. */
  counted: MarketAggregate[];
  /** Every exclusion and every hold, in the same order. */
  anomalies: Anomaly[];
  /** Held pairs, each with the reason a person reads (its first held venue's). */
  holds: Map<string, string>;
}

/** A median of fewer VWAPs than this says nothing about which venue is off (two venues: which one?). */
const MIN_PRICED_VENUES = 3;
/** A median of fewer prior windows with volume than this is no baseline (a new listing, a dead market). */
const MIN_PRIOR_WINDOWS = 3;

export function guardMarkets(markets: MarketAggregate[], options: AnomalyOptions): Guarded {
  if (!options.enabled) return { counted: markets, anomalies: [], holds: new Map() };
  const guarded: Guarded = { counted: [], anomalies: [], holds: new Map() };
  for (const group of marketsByPair(markets).values()) {
    const outliers = priceOutliers(group, options.maxPriceDeviation);
    for (const market of group) {
      const { pair, venue } = market;
      const outlier = outliers.get(market);
      if (outlier !== undefined) {
        guarded.anomalies.push({ pair, venue, kind: "price-outlier", action: "excluded", detail: outlier });
        continue;
      }
      guarded.counted.push(market);
      const spike = volumeSpike(market, options.spikeFactor);
      if (spike === null) continue;
      guarded.anomalies.push({ pair, venue, kind: "volume-spike", action: "held", detail: spike.detail });
      if (!guarded.holds.has(pair)) guarded.holds.set(pair, `held: ${venue}'s ${spike.reason}`);
    }
  }
  return guarded;
}

/** The pair's venues whose VWAP is more than `limit` from the median of the pair's VWAPs, with the figures. */
function priceOutliers(group: MarketAggregate[], limit: number): Map<MarketAggregate, string> {
  const found = new Map<MarketAggregate, string>();
  const priced = group.filter((market) => market.volume > 0);
  if (priced.length < MIN_PRICED_VENUES) return found;
  const { vwaps, center, deviations, outside } =
    pricesInDoubles(priced, limit) ?? pricesExactly(priced, limit);
  priced.forEach((market, i) => {
    const vwap = vwaps[i] ?? 0;
    if (!outside[i]) return;
    found.set(
      market,
      // Stryker disable next-line EqualityOperator: a VWAP equal to the median is 0% off, never an outlier (<= is killed)
      `VWAP ${figure(vwap)} is ${beyond((deviations[i] ?? 0) * 100, limit * 100)}% ${vwap > center ? "above" : "below"} ` +
        `the median ${figure(center)} of the pair's ${priced.length} venues (limit ${figure(limit * 100)}%)`,
    );
  });
  return found;
}

/** Per venue: its VWAP, its deviation from the median and whether that is beyond the limit; the median. */
interface Prices {
  vwaps: number[];
  center: number;
  deviations: number[];
  outside: boolean[];
}

/** The prices in doubles, when every decision is clear of the limit (nearly always); else null. */
// Stryker disable next-line BlockStatement: without the shortcut the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie
function pricesInDoubles(priced: MarketAggregate[], limit: number): Prices | null {
  // Stryker disable next-line ConditionalExpression,ArrowFunction: always null, the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie (taking doubles that are not precise is killed)
  if (!priced.every((market) => precise(market.volume) && precise(market.notional))) return null;
  // Stryker disable next-line ArrowFunction: undefined VWAPs are not precise, so the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie
  const vwaps = priced.map((market) => market.notional / market.volume);
  // Stryker disable next-line ConditionalExpression: always null, the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie (never null is killed)
  if (!vwaps.every(precise)) return null;
  const center = median(vwaps);
  // Stryker disable next-line ArrowFunction: undefined deviations are never clearly apart, so the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie
  const deviations = vwaps.map((vwap) => Math.abs(vwap - center) / center);
  // Stryker disable next-line ConditionalExpression,ArrowFunction: always null, the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie (never null is killed)
  if (!deviations.every((deviation) => clearlyApart(deviation, limit))) return null;
  // Stryker disable next-line EqualityOperator: every deviation here is clearly apart from the limit, never equal to it (<= is killed)
  return { vwaps, center, deviations, outside: deviations.map((deviation) => deviation > limit) };
}

/** The prices on the decimals the figures print as: exactly the limit is kept. */
function pricesExactly(priced: MarketAggregate[], limit: number): Prices {
  const vwaps = priced.map((market) => quotient(decimal(market.notional), decimal(market.volume)));
  const center = medianRatio(vwaps);
  // Only when every price rounded to 0: no venue can be said to be off.
  const deviations =
    center.n === 0n ? vwaps.map(() => null) : vwaps.map((vwap) => relativeDistance(vwap, center));
  const bound = decimal(limit);
  return {
    vwaps: vwaps.map(toNumber),
    center: toNumber(center),
    deviations: deviations.map((deviation) => (deviation === null ? 0 : toNumber(deviation))),
    outside: deviations.map((deviation) => deviation !== null && compareRatio(deviation, bound) > 0),
  };
}

/** A venue's window volume against the median of its prior windows with volume, when it is more than `factor` times it. */
function volumeSpike(market: MarketAggregate, factor: number): { detail: string; reason: string } | null {
  // Stryker disable next-line ArrayDeclaration: a made-up prior window is not a volume above 0, and is filtered out
  const prior = (market.prior ?? []).filter((volume) => volume > 0);
  if (prior.length < MIN_PRIOR_WINDOWS) return null;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a window without volume is never more than factor× anything: this only saves the work (its other mutants are killed)
  if (!(market.volume > 0)) return null;
  const { ratio, center, over } =
    spikeInDoubles(market.volume, prior, factor) ?? spikeExactly(market.volume, prior, factor);
  if (!over) return null;
  const times = `${beyond(ratio, factor)}×`;
  const windows = `${prior.length} prior windows with volume (limit ${figure(factor)}×)`;
  return {
    detail: `window volume ${figure(market.volume)} is ${times} the median ${figure(center)} of its ${windows}`,
    reason: `volume is ${times} the median of its ${windows}`,
  };
}

interface Spike {
  ratio: number;
  center: number;
  over: boolean;
}

/** The spike test in doubles, when it is clear of the factor (nearly always); else null. */
// Stryker disable next-line BlockStatement: without the shortcut the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie
function spikeInDoubles(volume: number, prior: number[], factor: number): Spike | null {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: always null, the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie; a volume beyond precision over precise prior windows is far from any factor or Infinity (the others are killed)
  if (!precise(volume) || !prior.every(precise)) return null;
  const center = median(prior);
  const ratio = volume / center;
  // Stryker disable next-line EqualityOperator: a ratio clearly apart from the factor is never equal to it (<= is killed)
  return clearlyApart(ratio, factor) ? { ratio, center, over: ratio > factor } : null;
}

/** The spike test on the decimals the figures print as: exactly the factor does not hold. */
function spikeExactly(volume: number, prior: number[], factor: number): Spike {
  const center = medianRatio(prior.map(decimal));
  const ratio = quotient(decimal(volume), center);
  return { ratio: toNumber(ratio), center: toNumber(center), over: compareRatio(ratio, decimal(factor)) > 0 };
}

/** The median of doubles; of an even count, the mean of the middle two. */
// Stryker disable next-line BlockStatement: an undefined median makes every figure unclear, so the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie
function median(values: number[]): number {
  // Stryker disable next-line ArrayDeclaration: a median of 0 makes every figure unclear (Infinity or NaN), so the exact path decides the same, and prints the same figures but for the sixth digit of a value on a rounding tie
  const sorted = [...values].sort((a, b) => a - b);
  const upper = sorted[sorted.length >> 1] ?? 0;
  const lower = sorted[(sorted.length - 1) >> 1] ?? 0;
  return (lower + upper) / 2;
}

/** Six significant digits, without trailing zeros: a price or a volume, for a person. */
function figure(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** `x` with three significant digits, or as many more as it takes to print it apart from the limit it passed. */
function beyond(x: number, limit: number): string {
  // Stryker disable next-line EqualityOperator: at 17 digits a double prints as String(x), the fallback (> is killed)
  for (let digits = 3; digits <= 17; digits++) {
    const text = String(Number(x.toPrecision(digits)));
    if (text !== String(Number(limit.toPrecision(digits)))) return text;
  }
  return String(x);
}
