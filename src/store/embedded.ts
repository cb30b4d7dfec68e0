// The embedded store: one SQLite file (`capbot.sqlite`) in the data directory, for trying capbot without
// MongoDB and for small installations. Documents are kept as they arrived (bad values are data), and each
// candle is judged once, as it arrives, by the core's validity and duplicate rules (embedded-candles.ts);
// a run adds up only its windows in SQL (embedded-snapshot.ts), so its cost follows the windows, not the
// history.

import { randomBytes } from "node:crypto";
import { accessSync, constants, existsSync } from "node:fs";
import { join } from "node:path";
import type DatabaseModule from "better-sqlite3";
import { freshness } from "../core/freshness.js";
import { intentDocument, normalisePost, postStates } from "../core/thread.js";
import {
  COUNTING_STATUSES,
  type PairPostState,
  type PostIntent,
  type PostRecord,
  type PostStatus,
  type RawCandle,
  type Snapshot,
  type SnapshotQuery,
} from "../core/types.js";
import { nearestExisting } from "../data-dir.js";
import { StoreError } from "../errors.js";
import { parseExtendedJson, stringifyExtendedJson } from "./ejson.js";
import { CandleWriter } from "./embedded-candles.js";
import { acquireLease, readLease, releaseLease, renewLease } from "./embedded-lock.js";
import { type Database, notCapbotStore, openDatabase, reasonOf } from "./embedded-open.js";
import { FORMAT_VERSION, formatVersion } from "./embedded-schema.js";
import { readSnapshot } from "./embedded-snapshot.js";
import type { LockInfo } from "./lease.js";
import type { Check, HistoryQuery, PostedFields, RunRecord, Store } from "./port.js";
import { PUBLISHED_OVER, postedChange } from "./posted.js";
import { KEPT_RUNS, readRun, runDocument } from "./runs.js";

export const DATABASE_FILE = "capbot.sqlite";

export interface EmbeddedOptions {
  /** Opens without writing anything anywhere (dry runs, reports); a missing store reads as empty. */
  readonly?: boolean;
}

type Doc = Record<string, unknown>;

const COUNTING_SQL = `(status IS NULL OR status IN (${COUNTING_STATUSES.filter((s) => s !== null)
  .map((s) => `'${s}'`)
  .join(", ")}))`;

/** A fresh post id shaped like a MongoDB ObjectId: seconds, then random bytes, so ids grow with time. */
function newId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, "0");
  return seconds + randomBytes(8).toString("hex");
}

function parseDoc(text: string): Doc {
  return parseExtendedJson(text) as Doc;
}

/** The query columns of a post: what the core reads in it, or nothing when it cannot read it. */
function postColumns(doc: Doc, id: string): (string | number | null)[] {
  const record = normalisePost(doc, id);
  if (record === null) return [0, null, null, null, null];
  return [1, record.pair, record.time.getTime(), record.status, record.publisher];
}

class EmbeddedStore implements Store {
  readonly kind = "embedded" as const;

  constructor(
    private readonly db: Database,
    private readonly dir: string,
    private readonly file: string,
    private readonly readonly: boolean,
  ) {}

  private readonly statements = new Map<string, DatabaseModule.Statement>();

  /** A prepared statement, compiled once per connection. */
  private statement(sql: string): DatabaseModule.Statement {
    let prepared = this.statements.get(sql);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /** Every SQLite failure becomes a StoreError (exit 5) naming the file; ours pass through. */
  private guard<T>(what: string, work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (err) {
      if (err instanceof StoreError) return Promise.reject(err);
      const reason = reasonOf(err);
      return Promise.reject(
        new StoreError(`The embedded store ${this.file} could not ${what}: ${reason}`, { cause: err }),
      );
    }
  }

  private writable(): void {
    if (this.readonly) throw new StoreError(`The embedded store ${this.file} is open read-only.`);
  }

  snapshot(query: SnapshotQuery): Promise<Snapshot> {
    return this.guard("read the candles", () => readSnapshot((sql) => this.statement(sql), query));
  }

  private posts(where: string, params: unknown[], tail = ""): PostRecord[] {
    const rows = this.db
      .prepare(`SELECT id, doc FROM posts WHERE readable = 1 AND ${where} ${tail}`)
      .all(...params) as { id: string; doc: string }[];
    return rows.flatMap((r) => normalisePost(parseDoc(r.doc), r.id) ?? []);
  }

  postStates(publisher: string): Promise<PairPostState[]> {
    return this.guard("read the posts", () => postStates(this.posts(COUNTING_SQL, []), publisher));
  }

  countPostsSince(publisher: string, since: Date): Promise<number> {
    return this.guard("count the posts", () => {
      const sql = `SELECT count(*) FROM posts WHERE readable = 1 AND publisher = ? AND time_ms >= ? AND ${COUNTING_SQL}`;
      return this.db.prepare(sql).pluck().get(publisher, since.getTime()) as number;
    });
  }

  pendingIntents(): Promise<PostRecord[]> {
    return this.guard("read the pending intents", () =>
      this.posts("status = 'pending'", [], "ORDER BY time_ms, seq"),
    );
  }

  private insertPost(id: string, doc: Doc): boolean {
    const result = this.db
      .prepare(
        "INSERT OR IGNORE INTO posts (id, doc, readable, pair, time_ms, status, publisher) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(id, stringifyExtendedJson(doc), ...postColumns(doc, id));
    return result.changes === 1;
  }

  insertIntent(intent: PostIntent): Promise<string> {
    return this.guard("record the intent", () => {
      this.writable();
      const id = newId();
      const doc: Doc = intentDocument(intent);
      this.db.transaction(() => this.insertPost(id, doc)).immediate();
      return id;
    });
  }

  /**
   * Changes one of capbot's own intents when its status is one of `from` (never a legacy document, which
   * has none) and, with `owner`, a pending intent only when it is that run's. Returns the status it had,
   * or null when there is no such post.
   */
  private settle(id: string, change: Doc, from: readonly PostStatus[], owner?: string): PostStatus | null {
    this.writable();
    return this.db
      .transaction((): PostStatus | null => {
        const row = this.db.prepare("SELECT doc, status FROM posts WHERE id = ?").get(id) as
          | { doc: string; status: PostStatus | null }
          | undefined;
        if (row === undefined) return null;
        const doc = parseDoc(row.doc);
        const mine = owner === undefined || row.status !== "pending" || doc["run_id"] === owner;
        if (row.status === null || !from.includes(row.status) || !mine) return row.status;
        const changed = { ...doc, ...change };
        // A post that exists carries no error, whatever a reconciler wrote before it was recorded.
        if (change["status"] === "posted") delete changed["error"];
        this.db
          .prepare(
            "UPDATE posts SET doc = ?, readable = ?, pair = ?, time_ms = ?, status = ?, publisher = ? WHERE id = ?",
          )
          .run(stringifyExtendedJson(changed), ...postColumns(changed, id), id);
        return row.status;
      })
      .immediate();
  }

  markPosted(id: string, fields: PostedFields, owner?: string): Promise<PostStatus | null> {
    return this.guard("record the post", () => this.settle(id, postedChange(fields), PUBLISHED_OVER, owner));
  }

  markFailed(id: string, error: string, owner?: string): Promise<void> {
    return this.guard("record the failure", () => {
      this.settle(id, { status: "failed", error }, ["pending"], owner);
    });
  }

  markUnknown(id: string, reason: string): Promise<void> {
    return this.guard("record the unknown outcome", () => {
      this.settle(id, { status: "unknown", error: reason }, ["pending"]);
    });
  }

  acquireLock(owner: string, leaseMs: number, now: Date): Promise<boolean> {
    return this.guard("take the lock", () => {
      this.writable();
      return acquireLease(this.db, this.dir, owner, leaseMs, now);
    });
  }

  renewLock(owner: string, leaseMs: number, now: Date): Promise<boolean> {
    return this.guard("renew the lock", () => {
      this.writable();
      return renewLease(this.db, this.dir, owner, leaseMs, now);
    });
  }

  lockInfo(): Promise<LockInfo | null> {
    return this.guard("read the lock", () => readLease(this.dir));
  }

  releaseLock(owner: string): Promise<void> {
    return this.guard("release the lock", () => {
      this.writable();
      releaseLease(this.db, this.dir, owner);
    });
  }

  insertCandles(docs: RawCandle[]): Promise<number> {
    return this.guard("store the candles", () => {
      this.writable();
      const keep = this.statement("INSERT INTO candle_docs (doc) VALUES (?)");
      this.db
        .transaction(() => {
          const writer = new CandleWriter(this.db);
          for (const doc of docs) {
            keep.run(stringifyExtendedJson(doc));
            writer.add(doc);
          }
          writer.finish();
          this.db.prepare("UPDATE meta SET value = value + ? WHERE key = 'candle_count'").run(docs.length);
        })
        .immediate();
      return docs.length;
    });
  }

  insertPosts(docs: Doc[]): Promise<number> {
    return this.guard("store the posts", () => {
      this.writable();
      return this.db
        .transaction(() => {
          let stored = 0;
          for (const doc of docs) {
            const given = doc["_id"];
            const id = typeof given === "string" && given !== "" ? given : newId();
            // Importing the same posts twice keeps one copy of each id, as MongoDB's unique _id would.
            if (this.insertPost(id, doc)) stored++;
          }
          return stored;
        })
        .immediate();
    });
  }

  countCandles(): Promise<number> {
    return this.guard("count the candles", () => this.candleCount());
  }

  private candleCount(): number {
    return this.db.prepare("SELECT value FROM meta WHERE key = 'candle_count'").pluck().get() as number;
  }

  clear(): Promise<void> {
    return this.guard("clear the store", () => {
      this.writable();
      this.db
        .transaction(() => {
          this.db.exec(
            "DELETE FROM instants; DELETE FROM counted; DELETE FROM series; DELETE FROM candle_docs; DELETE FROM posts;",
          );
          this.db.exec("UPDATE meta SET value = 0 WHERE key = 'candle_count'");
        })
        .immediate();
    });
  }

  history(query: HistoryQuery): Promise<PostRecord[]> {
    return this.guard("read the history", () => {
      const pair = query.pair?.trim().toUpperCase();
      const tail = "ORDER BY time_ms DESC, seq DESC LIMIT ?";
      return pair ? this.posts("pair = ?", [pair, query.limit], tail) : this.posts("1", [query.limit], tail);
    });
  }

  recordRun(run: RunRecord): Promise<void> {
    return this.guard("record the run", () => {
      this.writable();
      this.db
        .transaction(() => {
          const insert = this.db.prepare("INSERT INTO runs (started_ms, record) VALUES (?, ?)");
          const { lastInsertRowid } = insert.run(
            run.startedAt.getTime(),
            stringifyExtendedJson(runDocument(run)),
          );
          this.db.prepare("DELETE FROM runs WHERE seq <= ?").run(Number(lastInsertRowid) - KEPT_RUNS);
        })
        .immediate();
    });
  }

  recentRuns(limit: number): Promise<RunRecord[]> {
    return this.guard("read the runs", () => {
      const rows = this.db
        .prepare("SELECT record FROM runs ORDER BY started_ms DESC, seq DESC LIMIT ?")
        .pluck()
        .all(limit) as string[];
      return rows.flatMap((row) => readRun(parseDoc(row)) ?? []);
    });
  }

  async doctor(query: SnapshotQuery, maxDataAgeMs: number | null, now: Date): Promise<Check[]> {
    const checks: Check[] = [];
    try {
      // A folder that does not exist yet is fine when the first run can create it.
      const exists = existsSync(this.dir);
      accessSync(exists ? this.dir : nearestExisting(this.dir), constants.W_OK);
      const detail = exists
        ? `data directory ${this.dir} is writable`
        : `data directory ${this.dir} will be created by the first run`;
      checks.push({ name: "embedded store", ok: true, detail });
    } catch {
      checks.push({
        name: "embedded store",
        ok: false,
        detail: `data directory ${this.dir} is not writable`,
        fix: "give this user write access to CAPBOT_DATA_DIR, or point CAPBOT_DATA_DIR elsewhere",
        exitCode: 5,
      });
    }
    checks.push({
      name: "store format",
      ok: true,
      detail: `format version ${formatVersion(this.db)} of ${FORMAT_VERSION} (${this.file})`,
    });
    const total = await this.countCandles();
    const inWindow = this.db
      .prepare("SELECT coalesce(sum(docs), 0) FROM instants WHERE granularity = ? AND ts >= ? AND ts < ?")
      .pluck()
      .get(query.granularity, query.from.getTime(), query.to.getTime()) as number;
    const window = `${query.granularity} candles from ${query.from.toISOString()} to ${query.to.toISOString()}`;
    checks.push({
      name: "candles",
      ok: inWindow > 0,
      detail: `${total} candles stored, ${inWindow} ${window}`,
      ...(inWindow > 0
        ? {}
        : {
            fix: "import candles (capbot import FILE --into ohlcv) or fill the demo data (capbot demo)",
            exitCode: 3,
          }),
    });
    checks.push(await this.freshness(query, maxDataAgeMs, now));
    return checks;
  }

  private async freshness(query: SnapshotQuery, maxDataAgeMs: number | null, now: Date): Promise<Check> {
    const newest = (await this.snapshot(query)).newestCandleAt;
    const { state, ok, detail } = freshness(newest, now, query.granularity, maxDataAgeMs);
    if (ok) return { name: "data freshness", ok, detail };
    return {
      name: "data freshness",
      ok,
      detail,
      fix: state === "missing" ? "import recent candles" : "import recent candles, or raise --max-data-age",
      exitCode: 3,
    };
  }

  /** One transaction across awaits: the writes of `work` (themselves transactions) become savepoints in it. */
  async atomically<T>(work: () => Promise<T>): Promise<T> {
    await this.guard("start a transaction", () => {
      this.writable();
      this.db.exec("BEGIN IMMEDIATE");
    });
    try {
      const result = await work();
      await this.guard("commit", () => this.db.exec("COMMIT"));
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw err;
    }
  }

  close(): Promise<void> {
    return this.guard("close", () => {
      this.db.close();
    });
  }
}

/** Opens (creating when needed, unless read-only) the embedded store in `dataDir`. */
export async function openEmbeddedStore(dataDir: string, options: EmbeddedOptions = {}): Promise<Store> {
  const file = join(dataDir, DATABASE_FILE);
  const readonly = options.readonly === true;
  try {
    return new EmbeddedStore(openDatabase(dataDir, file, readonly), dataDir, file, readonly);
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if ((err as { code?: unknown }).code === "SQLITE_NOTADB") throw notCapbotStore(file, true);
    throw new StoreError(`The embedded store ${file} could not be opened: ${reasonOf(err)}`, { cause: err });
  }
}
