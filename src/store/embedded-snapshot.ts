// The embedded store's snapshot (SPEC §3, §3a) in SQL: the candles were judged and de-duplicated at
// import (embedded-candles.ts), so a run adds up per pair and venue inside SQLite and Node sees one row
// per market, as it does with MongoDB. The core's snapshotOf is the reference; SQLite's sum() is
// compensated (Kahan–Babuška–Neumaier, SQLite ≥ 3.43), so the sums differ from the core's exact ones only
// in their last bits — the differential test holds the two together.

import type { Statement } from "better-sqlite3";
import { bounded, compareMarkets, windowBounds } from "../core/candles.js";
import { exactSum } from "../core/exact.js";
import type { MarketAggregate, Snapshot, SnapshotQuery } from "../core/types.js";

/**
 * Per pair and venue over the window: each series' window is one range of `counted`, and the series are
 * read in (pair, venue) order through their unique key, so the grouping needs no sort. Only pairs and
 * venues with counted candles in the window come out.
 */
const WINDOW = `
  SELECT s.pair AS pair, s.venue AS venue, min(c.symbol) AS symbol, sum(c.volume) AS volume,
    sum(min(c.volume * c.close, :max)) AS notional, count(*) AS candles
  FROM series s JOIN counted c ON c.series = s.id AND c.ts >= :start0 AND c.ts < :end0
  WHERE s.granularity = :granularity
  GROUP BY s.pair, s.venue`;

/**
 * Per series (one market id of a pair on a venue), its volume in each prior window: each is one range of
 * `counted` read through its key (series, ts) — cheaper than grouping the 7 windows' rows, which SQLite
 * would sort. Node adds a venue's series up (spot and futures: SPEC §2).
 */
function priorsSql(prior: number): string {
  const columns = ["s.pair", "s.venue"];
  for (let k = 1; k <= prior; k++) {
    columns.push(
      `(SELECT total(volume) FROM counted WHERE series = s.id AND ts >= :start${k} AND ts < :end${k})`,
    );
  }
  return `SELECT ${columns.join(", ")} FROM series s WHERE s.granularity = :granularity`;
}

type Params = Record<string, string | number>;
type MarketRow = [string, string, string, number, number, number];
type PriorRow = [string, string, ...number[]];

/** Each market's prior-window volumes, its series (spot, futures) added up. */
function priorVolumes(rows: PriorRow[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const row of rows) {
    const key = `${row[0]}\u0000${row[1]}`;
    const volumes = row.slice(2) as number[];
    const seen = out.get(key);
    // Most markets are one series: only a venue with several is summed (exactly, as everywhere).
    out.set(key, seen === undefined ? volumes : volumes.map((v, k) => exactSum([seen[k] ?? 0, v])));
  }
  return out;
}

/** The snapshot of `query`, through `statement` (the store's cache of prepared statements). */
export function readSnapshot(statement: (sql: string) => Statement, query: SnapshotQuery): Snapshot {
  const windows = windowBounds(query);
  const prior = windows.length - 1;
  const params: Params = { granularity: query.granularity, max: Number.MAX_VALUE };
  windows.forEach((w, k) => {
    params[`start${k}`] = w.start;
    params[`end${k}`] = w.end;
  });
  const rows = statement(WINDOW).raw().all(params) as MarketRow[];
  const priors = prior > 0 ? priorVolumes(statement(priorsSql(prior)).raw().all(params) as PriorRow[]) : null;
  const markets = rows.map(
    ([pair, venue, symbol, volume, notional, candles]): MarketAggregate => ({
      pair,
      symbol,
      // The pair is `SYMBOL-BASE` of the very candles the symbol comes from (core/candles pairName).
      base: pair.slice(symbol.length + 1),
      venue,
      volume: bounded(volume),
      notional: bounded(notional),
      candles,
      ...(priors
        ? // Stryker disable next-line ArrayDeclaration: priorsSql gives a row for every series of the granularity, so every market is in priors.
          { prior: (priors.get(`${pair}\u0000${venue}`) ?? new Array<number>(prior).fill(0)).map(bounded) }
        : {}),
    }),
  );
  markets.sort(compareMarkets);

  const from = query.from.getTime();
  const to = query.to.getTime();
  const skipped = statement(
    "SELECT coalesce(sum(invalid), 0) FROM instants WHERE granularity = ? AND ts >= ? AND ts < ?",
  );
  // Walks back from `to` through the time key to the first instant with a valid candle.
  const newest = statement(
    "SELECT ts FROM instants WHERE granularity = ? AND ts < ? AND docs > invalid ORDER BY ts DESC LIMIT 1",
  );
  const newestAt = newest.pluck().get(query.granularity, to) as number | undefined;
  return {
    markets,
    skippedCandles: skipped.pluck().get(query.granularity, from, to) as number,
    newestCandleAt: newestAt === undefined ? null : new Date(newestAt),
  };
}
