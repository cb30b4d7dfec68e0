// The embedded store's candle tables (format 3), written once per candle as it arrives: whether the
// candle is valid (SPEC §3 rule 3), and for a valid one its names and numbers as the core normalises them,
// with the duplicate rule (SPEC §3) applied on the way in. A run then only adds up, in SQL
// (embedded-snapshot.ts), and never reads a document.

import type { Database, Statement } from "better-sqlite3";
import { normaliseCandle } from "../core/candles.js";
import type { Candle, RawCandle } from "../core/types.js";

/**
 * - `instants`: per granularity and time, how many stored candles can be placed there (a string
 *   granularity and a valid date; copies included) and how many of them fail the validity rule: the
 *   skipped count, the newest valid candle and doctor's counts read it.
 * - `series`: one row per (granularity, pair, venue, market) of the valid candles, names normalised.
 * - `counted`: per series and time, the one copy that counts (SPEC §3 duplicates: the larger volume, then
 *   the larger close, then the smaller symbol). Clustered by series then time, so that a window of one
 *   series is one short range and the sums per pair and venue need no sorting.
 */
export const CANDLE_TABLES = `
  CREATE TABLE instants (
    granularity TEXT NOT NULL,
    ts INTEGER NOT NULL,
    docs INTEGER NOT NULL,
    invalid INTEGER NOT NULL,
    PRIMARY KEY (granularity, ts)
  ) WITHOUT ROWID;
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    granularity TEXT NOT NULL,
    pair TEXT NOT NULL,
    venue TEXT NOT NULL,
    market TEXT NOT NULL,
    UNIQUE (granularity, pair, venue, market)
  );
  CREATE TABLE counted (
    series INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    volume REAL NOT NULL,
    close REAL NOT NULL,
    symbol TEXT NOT NULL,
    PRIMARY KEY (series, ts)
  ) WITHOUT ROWID;
`;

/** pickDuplicate in SQL: the arriving copy replaces the kept one only when it wins. */
const WRITE_COUNTED = `
  INSERT INTO counted (series, ts, volume, close, symbol) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (series, ts) DO UPDATE SET volume = excluded.volume, close = excluded.close, symbol = excluded.symbol
  WHERE excluded.volume > counted.volume
    OR (excluded.volume = counted.volume AND (excluded.close > counted.close
    OR (excluded.close = counted.close AND excluded.symbol < counted.symbol)))
`;

const ADD_INSTANT = `
  INSERT INTO instants (granularity, ts, docs, invalid) VALUES (?, ?, ?, ?)
  ON CONFLICT (granularity, ts) DO UPDATE SET docs = docs + excluded.docs, invalid = invalid + excluded.invalid
`;

/**
 * An import's page cache: a batch adds a row to each series, and the series lie all over the `counted`
 * table, so a batch touches about one page per series; 16 MiB holds those of a few thousand series.
 */
const IMPORT_CACHE_KIB = 16_384;

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** The inner map under `key`, created when missing. */
function within<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = outer.get(key);
  if (inner === undefined) {
    inner = new Map();
    outer.set(key, inner);
  }
  return inner;
}

/**
 * Writes the query rows of candles whose documents are being stored, inside one transaction: `add`
 * candles, then `finish` (after each batch). One writer lives within one transaction, so nothing it
 * remembers (series ids, rows not yet written) can be rolled back under it.
 */
export class CandleWriter {
  private readonly writeCounted: Statement;
  private readonly findSeries: Statement;
  private readonly addSeries: Statement;
  private readonly addInstant: Statement;
  /** The valid candles added, as `counted` rows, written by `finish`. */
  private readonly counted: [number, number, number, number, string][] = [];
  /** Series ids by granularity, pair, venue and market. */
  private readonly ids = new Map<string, Map<string, Map<string, Map<string, number>>>>();
  /** Placed and invalid candles by granularity and time, written by `finish`. */
  private readonly instants = new Map<string, Map<number, { docs: number; invalid: number }>>();

  constructor(db: Database) {
    db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
    this.writeCounted = db.prepare(WRITE_COUNTED);
    this.findSeries = db
      .prepare("SELECT id FROM series WHERE granularity = ? AND pair = ? AND venue = ? AND market = ?")
      .pluck();
    this.addSeries = db.prepare("INSERT INTO series (granularity, pair, venue, market) VALUES (?, ?, ?, ?)");
    this.addInstant = db.prepare(ADD_INSTANT);
  }

  /** Judges the candle once, as every later run would. */
  add(doc: RawCandle): void {
    const { granularity, timestamp } = doc;
    if (typeof granularity !== "string" || !isValidDate(timestamp)) return;
    const ts = timestamp.getTime();
    const candle = normaliseCandle(doc);
    const byTime = within(this.instants, granularity);
    const instant = byTime.get(ts) ?? { docs: 0, invalid: 0 };
    byTime.set(ts, instant);
    instant.docs++;
    if (candle === null) {
      instant.invalid++;
      return;
    }
    this.counted.push([this.seriesId(candle), ts, candle.volume, candle.close, candle.symbol]);
  }

  /** Writes what the candles added since the last `finish` give. */
  finish(): void {
    // In key order, so that the rows of one series go into its pages one after the other. Only speed: the
    // duplicate rule of WRITE_COUNTED is a total order, so the kept copy is the same in any order.
    // Stryker disable next-line MethodExpression,ArrowFunction,ConditionalExpression,LogicalOperator,ArithmeticOperator: only the write order, see above.
    this.counted.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const row of this.counted) this.writeCounted.run(...row);
    this.counted.length = 0;
    for (const [granularity, byTime] of this.instants) {
      for (const [ts, { docs, invalid }] of byTime) this.addInstant.run(granularity, ts, docs, invalid);
    }
    this.instants.clear();
  }

  private seriesId(c: Candle): number {
    const byMarket = within(within(within(this.ids, c.granularity), c.pair), c.venue);
    let id = byMarket.get(c.market);
    // Stryker disable next-line ConditionalExpression: the map only saves a lookup; the table gives the same id.
    if (id === undefined) {
      const names = [c.granularity, c.pair, c.venue, c.market];
      const found = this.findSeries.get(...names) as number | undefined;
      id = found ?? Number(this.addSeries.run(...names).lastInsertRowid);
      byMarket.set(c.market, id);
    }
    return id;
  }
}
