// The embedded store's on-disk format and the migrations that move an older data directory forward.
// The format version lives in SQLite's `PRAGMA user_version`; each migration runs in one transaction.

import type { Database } from "better-sqlite3";
import type { RawCandle } from "../core/types.js";
import { StoreError } from "../errors.js";
import { parseExtendedJson } from "./ejson.js";
import { CANDLE_TABLES, CandleWriter } from "./embedded-candles.js";

/**
 * Format 1.
 * - `candle_docs`: every candle document as it arrived (bad values are data), in arrival order.
 * - `candles`: for each candle that can count (a string granularity and a valid date), the fields the
 *   validity rule reads, clustered by (granularity, ts) in a WITHOUT ROWID table: a window is one
 *   contiguous range of small rows, whatever the length of the history behind it. The five value columns
 *   have no declared type, so SQLite keeps each value's own type (the text "12" stays text, 12 a number);
 *   `plain` = 0 when one of them held something else (a decimal, NaN, an object), and the run then reads
 *   that candle's document instead.
 * - `posts`: each document as it was written, plus the columns the queries need, filled from the core's
 *   normalisePost (`readable` = 0 when it returns null: such a document is kept but never read).
 * - `meta`: counters kept in step with the tables, so that no query has to scan a whole table.
 */
const FORMAT_1 = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO meta (key, value) VALUES ('candle_count', 0);
  CREATE TABLE candle_docs (seq INTEGER PRIMARY KEY, doc TEXT NOT NULL);
  CREATE TABLE candles (
    granularity TEXT NOT NULL,
    ts INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    venue, symbol, base, volume, close,
    plain INTEGER NOT NULL,
    PRIMARY KEY (granularity, ts, seq)
  ) WITHOUT ROWID;
  CREATE TABLE posts (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL,
    readable INTEGER NOT NULL,
    pair TEXT,
    time_ms INTEGER,
    status TEXT,
    publisher TEXT
  );
  CREATE INDEX posts_by_time ON posts (time_ms);
  CREATE INDEX posts_by_status ON posts (status);
`;

/** `market_id` as format 2's run read it: the string, else null (the duplicate key reads nothing else of it). */
function marketColumn(marketId: unknown): string | null {
  return typeof marketId === "string" ? marketId : null;
}

/**
 * Format 2: `candles.market` holds each candle's `market_id` (see {@link marketColumn}), because the
 * duplicate key includes the market (SPEC §2: a venue's spot and futures candles of one hour add up).
 * Filled from the stored documents, read as a run reads them, for the rows whose other columns are
 * plain; the others are read from their document anyway.
 */
function toFormat2(db: Database): void {
  db.exec("ALTER TABLE candles ADD COLUMN market");
  db.function("capbot_market_id", { deterministic: true }, (doc: unknown) => {
    const candle = parseExtendedJson(String(doc)) as Record<string, unknown>;
    return marketColumn(candle["market_id"]);
  });
  db.exec(`
    UPDATE candles SET market = capbot_market_id((SELECT doc FROM candle_docs WHERE seq = candles.seq))
    WHERE plain = 1
  `);
}

/** How many stored documents format 3's migration reads at a time, so that memory stays flat. */
const MIGRATION_BATCH = 10_000;

/**
 * Format 3: candles are judged once, when they arrive, instead of on every run (see CANDLE_TABLES): the
 * `candles` index gives way to `instants` (counts per time) and, for the valid candles, normalised and
 * de-duplicated, `series` and `counted`. Filled from every stored document, read exactly as an import
 * reads it; `candle_docs` stays as it is.
 */
function toFormat3(db: Database): void {
  db.exec("DROP TABLE candles");
  db.exec(CANDLE_TABLES);
  const writer = new CandleWriter(db);
  const batch = db.prepare("SELECT seq, doc FROM candle_docs WHERE seq > ? ORDER BY seq LIMIT ?").raw();
  for (let last = 0; ; ) {
    const rows = batch.all(last, MIGRATION_BATCH) as [number, string][];
    for (const [, doc] of rows) writer.add(parseExtendedJson(doc) as RawCandle);
    writer.finish();
    const end = rows.at(-1);
    if (end === undefined) return;
    last = end[0];
  }
}

/**
 * Format 4: `runs` keeps each real run's summary (the operator's page lists the last runs), as the
 * JSON of a RunRecord, by start time.
 */
const RUNS_TABLE = `
  CREATE TABLE runs (seq INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL, record TEXT NOT NULL);
  CREATE INDEX runs_by_start ON runs (started_ms);
`;

/** `MIGRATIONS[n]` moves format n to n + 1. */
const MIGRATIONS: readonly ((db: Database) => void)[] = [
  (db) => db.exec(FORMAT_1),
  toFormat2,
  toFormat3,
  (db) => db.exec(RUNS_TABLE),
];

export const FORMAT_VERSION = MIGRATIONS.length;

/**
 * How long an open waits for the write lock when the folder needs moving forward: another process may be
 * doing it, which takes seconds per million candles — longer than a connection's usual wait.
 */
const MIGRATION_WAIT_MS = 10 * 60_000;

export function formatVersion(db: Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * Brings the database to {@link FORMAT_VERSION}; refuses one written by a newer capbot. The version is
 * read again inside each step's write transaction: two processes opening a new or an older directory at
 * once must not both create the tables or both run a migration; the second waits, then finds nothing
 * left to do.
 */
export function migrate(db: Database, file: string): void {
  const step = db.transaction((): boolean => {
    const found = formatVersion(db);
    if (found > FORMAT_VERSION) {
      throw new StoreError(
        `${file} has format version ${found}, newer than this capbot understands (${FORMAT_VERSION}): upgrade capbot.`,
      );
    }
    const migration = MIGRATIONS[found];
    if (migration === undefined) return false;
    migration(db);
    db.pragma(`user_version = ${found + 1}`);
    return true;
  });
  // Checked first without a write lock, so that opening an up-to-date store never waits for a writer.
  if (formatVersion(db) === FORMAT_VERSION) return;
  const usualWait = db.pragma("busy_timeout", { simple: true }) as number;
  db.pragma(`busy_timeout = ${MIGRATION_WAIT_MS}`);
  try {
    while (step.immediate()) {
      // One format step per transaction, until none is left.
    }
  } finally {
    db.pragma(`busy_timeout = ${usualWait}`);
  }
}
