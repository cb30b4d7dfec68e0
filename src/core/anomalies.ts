// The anomaly guard (SPEC §3a), before anything is ranked. Per pair, a venue whose price is far from the
// other venues' (a ticker that means another coin, a bad decimal) is excluded from the figures; a venue
// whose volume jumps far above its own recent windows (a glitch, a unit mix-up, a re-sent day) holds the
// pair for the run. Boundaries are compared exactly (ratio.ts): exactly the limit is kept.

import { compareRatio, decimal, medianRatio, quotient, relativeDistance, toNumber } from "./ratio.js";
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
  /** The snapshot's markets, in their order, without the excluded venues' markets. */
  counted: MarketAggregate[];
  /** Every exclusion and every hold, in the markets' order (by pair, then venue). */
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
  for (const group of byPair(markets)) {
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

function byPair(markets: MarketAggregate[]): MarketAggregate[][] {
  const groups = new Map<string, MarketAggregate[]>();
  for (const market of markets) {
    const group = groups.get(market.pair);
    if (group === undefined) groups.set(market.pair, [market]);
    else group.push(market);
  }
  return [...groups.values()];
}

/** The pair's venues whose VWAP is more than `limit` from the median of the pair's VWAPs, with the figures. */
function priceOutliers(group: MarketAggregate[], limit: number): Map<MarketAggregate, string> {
  const found = new Map<MarketAggregate, string>();
  const priced = group
    .filter((market) => market.volume > 0)
    .map((market) => ({ market, vwap: quotient(decimal(market.notional), decimal(market.volume)) }));
  if (priced.length < MIN_PRICED_VENUES) return found;
  const center = medianRatio(priced.map(({ vwap }) => vwap));
  // Only when every price rounded to 0: no venue can be said to be off.
  if (center.n === 0n) return found;
  const bound = decimal(limit);
  for (const { market, vwap } of priced) {
    const deviation = relativeDistance(vwap, center);
    if (compareRatio(deviation, bound) <= 0) continue;
    const side = compareRatio(vwap, center) > 0 ? "above" : "below";
    found.set(
      market,
      `VWAP ${figure(toNumber(vwap))} is ${beyond(toNumber(deviation) * 100, limit * 100)}% ${side} the median ` +
        `${figure(toNumber(center))} of the pair's ${priced.length} venues (limit ${figure(limit * 100)}%)`,
    );
  }
  return found;
}

/** A venue's window volume against the median of its prior windows with volume, when it is more than `factor` times it. */
function volumeSpike(market: MarketAggregate, factor: number): { detail: string; reason: string } | null {
  const prior = (market.prior ?? []).filter((volume) => volume > 0);
  if (prior.length < MIN_PRIOR_WINDOWS) return null;
  const center = medianRatio(prior.map(decimal));
  const ratio = quotient(decimal(market.volume), center);
  if (compareRatio(ratio, decimal(factor)) <= 0) return null;
  const times = `${beyond(toNumber(ratio), factor)}×`;
  const windows = `${prior.length} prior windows with volume (limit ${figure(factor)}×)`;
  return {
    detail: `window volume ${figure(market.volume)} is ${times} the median ${figure(toNumber(center))} of its ${windows}`,
    reason: `volume is ${times} the median of its ${windows}`,
  };
}

/** Six significant digits, without trailing zeros: a price or a volume, for a person. */
function figure(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** `x` with three significant digits, or as many more as it takes to print it apart from the limit it passed. */
function beyond(x: number, limit: number): string {
  for (let digits = 3; digits <= 17; digits++) {
    const text = String(Number(x.toPrecision(digits)));
    if (text !== String(Number(limit.toPrecision(digits)))) return text;
  }
  return String(x);
}
