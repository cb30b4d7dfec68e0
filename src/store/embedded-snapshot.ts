// The embedded store's snapshot of one window, in a single pass over the window's candles in time
// order: the core's validity rule (normaliseCandle) and duplicate rule (candleKey's fields,
// pickDuplicate), then sums per (pair, venue). The core's snapshotOf is the reference; this pass differs
// from it only in the last bits of the sums (compensated here, exact there, which costs more than the
// whole run may) — the differential test holds the two together.

import { normaliseCandle, pickDuplicate } from "../core/candles.js";
import type { Candle, MarketAggregate, RawCandle } from "../core/types.js";

/** Neumaier's compensated sum of non-negative terms, held at the largest double as the core does. */
class Sum {
  private total = 0;
  private compensation = 0;

  add(x: number): void {
    if (this.total === Number.POSITIVE_INFINITY) return;
    const t = this.total + x;
    if (t === Number.POSITIVE_INFINITY) {
      this.total = t;
      this.compensation = 0;
      return;
    }
    this.compensation += Math.abs(this.total) >= Math.abs(x) ? this.total - t + x : x - t + this.total;
    this.total = t;
  }

  value(): number {
    return Math.min(this.total + this.compensation, Number.MAX_VALUE);
  }
}

interface Market {
  first: Candle;
  volume: Sum;
  notional: Sum;
  candles: number;
}

export interface WindowAggregate {
  markets: MarketAggregate[];
  skippedCandles: number;
  /** Time of the newest valid candle of the window, or null. */
  newest: number | null;
}

/**
 * `candles` must be the window's candles of one granularity, each with a Date timestamp, in ascending
 * time order — so that copies of one candle (same venue, pair, market and time) arrive in one instant.
 */
export function aggregateWindow(candles: Iterable<RawCandle>): WindowAggregate {
  const markets = new Map<string, Map<string, Market>>();
  let skippedCandles = 0;
  let newest: number | null = null;
  // The counted candles of the current instant, by venue, pair and market (candleKey's fields: the
  // granularity and the time are one here), until time moves on. Nested maps rather than candleKey's
  // JSON text, which made the whole pass a third slower.
  let instant = Number.NaN;
  let copies = new Map<string, Map<string, Map<string, Candle>>>();

  const count = (candle: Candle): void => {
    const byVenue = within(markets, candle.pair);
    let market = byVenue.get(candle.venue);
    if (market === undefined) {
      market = { first: candle, volume: new Sum(), notional: new Sum(), candles: 0 };
      byVenue.set(candle.venue, market);
    } else if (candle.symbol < market.first.symbol) {
      market.first = candle;
    }
    market.volume.add(candle.volume);
    market.notional.add(Math.min(candle.volume * candle.close, Number.MAX_VALUE));
    market.candles++;
  };
  const flush = (): void => {
    for (const byPair of copies.values())
      for (const byMarket of byPair.values()) for (const candle of byMarket.values()) count(candle);
    copies = new Map();
  };

  for (const raw of candles) {
    const candle = normaliseCandle(raw);
    if (candle === null) {
      skippedCandles++;
      continue;
    }
    const time = candle.timestamp.getTime();
    if (time !== instant) {
      flush();
      instant = time;
    }
    newest = time;
    const byMarket = within(within(copies, candle.venue), candle.pair);
    const kept = byMarket.get(candle.market);
    byMarket.set(candle.market, kept === undefined ? candle : pickDuplicate(kept, candle));
  }
  flush();

  const result: MarketAggregate[] = [];
  for (const pair of [...markets.keys()].sort(byText)) {
    const byVenue = markets.get(pair) ?? new Map<string, Market>();
    for (const venue of [...byVenue.keys()].sort(byText)) {
      const m = byVenue.get(venue);
      if (m === undefined) continue;
      result.push({
        pair,
        symbol: m.first.symbol,
        base: m.first.base,
        venue,
        volume: m.volume.value(),
        notional: m.notional.value(),
        candles: m.candles,
      });
    }
  }
  return { markets: result, skippedCandles, newest };
}

/** The inner map under `key`, created when missing. */
function within<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (inner === undefined) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}

/** Plain `<` order, as the spec's sort (not localeCompare). */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
