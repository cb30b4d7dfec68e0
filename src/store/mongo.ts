// The MongoDB store: the users' production system of record. The shared pipelines run inside the
// server, so Node only sees aggregates; capbot writes only its own post documents (and its lock), and
// never creates or alters anything on the candles collection, which the data team owns.
// The driver is imported here, on demand, so that no other path pays for loading it.

import type { Collection, Db, Document, MongoClient } from "mongodb";
import { formatSeconds } from "../core/duration.js";
import { intentDocument, normalisePost } from "../core/thread.js";
import type {
  PairPostState,
  PostIntent,
  PostRecord,
  PostStatus,
  RawCandle,
  Snapshot,
  SnapshotQuery,
} from "../core/types.js";
import { StoreError } from "../errors.js";
import type { LockInfo } from "./lease.js";
import { failedCheck, mongoDoctor } from "./mongo-doctor.js";
import { mongoError } from "./mongo-errors.js";
import {
  acquireLease,
  isDuplicateKey,
  LOCK_COLLECTION,
  type LockDocument,
  readLease,
  releaseLease,
  renewLease,
} from "./mongo-lock.js";
import { describeHost, scrubSecrets } from "./mongo-uri.js";
import { type BsonClasses, idString, toMongoDocument, toMongoId } from "./mongo-values.js";
import {
  countingPostsFilter,
  newestCandlePipeline,
  parsePostStates,
  parseSnapshotDoc,
  postStatesPipeline,
  snapshotPipeline,
} from "./pipelines.js";
import type { Check, HistoryQuery, PostedFields, RunRecord, Store } from "./port.js";
import { PUBLISHED_OVER, postedChange } from "./posted.js";
import { KEPT_RUNS, RUNS_COLLECTION, readRun, runDocument } from "./runs.js";

export interface MongoStoreOptions {
  uri: string;
  db: string;
  ohlcv: string;
  posts: string;
  serverSelectionTimeoutMs: number;
  /** Server-side limit of each query; the window query is the one that may need it. */
  maxTimeMs?: number;
}

export const DEFAULT_MAX_TIME_MS = 60_000;

/** capbot's own collection of run summaries, beside capbot_locks. */

/** Beyond the driver's own timeout, how long connect + ping may take (an SRV lookup is not bounded by it). */
const CONNECT_GRACE_MS = 1_000;

/** The indexes of capbot's own posts collection: choosing, the daily budget, reconciliation, history. */
const POST_INDEXES = [
  { key: { pair: 1, time: -1 } },
  { key: { status: 1 } },
  { key: { publisher: 1, time: -1 } },
] as const;

/** Index creation may be refused (no createIndex right, a same-named index with other options): runs go on, doctor tells. */
const TOLERATED_INDEX_ERRORS = new Set([13, 85, 86]);

/** Connects eagerly and pings, so that an unreachable or refusing server fails here, within the timeout. */
export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const context = { uri: options.uri, timeoutMs: options.serverSelectionTimeoutMs };
  const driver = await import("mongodb");
  let client: MongoClient;
  try {
    client = new driver.MongoClient(options.uri, {
      appName: "capbot",
      retryReads: true,
      retryWrites: true,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs,
      connectTimeoutMS: options.serverSelectionTimeoutMs,
    });
  } catch (err) {
    throw mongoError(err, context);
  }
  try {
    await withDeadline(
      client.connect().then(() => client.db("admin").command({ ping: 1 })),
      options.serverSelectionTimeoutMs + CONNECT_GRACE_MS,
    );
  } catch (err) {
    await closeQuietly(client);
    throw mongoError(err, context);
  }
  return mongoStoreOn(client, options, { Decimal128: driver.Decimal128, ObjectId: driver.ObjectId });
}

/** The store on a client that is already connected (openMongoStore's, or a stand-in in tests). */
export function mongoStoreOn(client: MongoClient, options: MongoStoreOptions, bson: BsonClasses): Store {
  return new MongoStore(client, options, bson);
}

class MongoStore implements Store {
  readonly kind = "mongodb" as const;
  private readonly db: Db;
  private readonly ohlcv: Collection<Document>;
  private readonly posts: Collection<Document>;
  private readonly locks: Collection<LockDocument>;
  private readonly runs: Collection<Document>;
  private readonly maxTimeMs: number;
  private readonly host: string;
  private postIndexes: Promise<void> | null = null;

  constructor(
    private readonly client: MongoClient,
    private readonly options: MongoStoreOptions,
    private readonly bson: BsonClasses,
  ) {
    this.db = client.db(options.db);
    this.ohlcv = this.db.collection(options.ohlcv);
    this.posts = this.db.collection(options.posts);
    this.locks = this.db.collection<LockDocument>(LOCK_COLLECTION);
    this.runs = this.db.collection(RUNS_COLLECTION);
    this.maxTimeMs = options.maxTimeMs ?? DEFAULT_MAX_TIME_MS;
    this.host = describeHost(options.uri);
  }

  snapshot(query: SnapshotQuery): Promise<Snapshot> {
    return this.guard(async () => {
      const [window, newest] = await Promise.all([
        this.aggregate(this.ohlcv, snapshotPipeline(query)),
        this.aggregate(this.ohlcv, newestCandlePipeline(query.granularity, query.to)),
      ]);
      return parseSnapshotDoc(window[0], newest[0], query.priorWindows);
    });
  }

  postStates(publisher: string): Promise<PairPostState[]> {
    return this.guard(async () => {
      return parsePostStates(await this.aggregate(this.posts, postStatesPipeline(publisher)));
    });
  }

  countPostsSince(publisher: string, since: Date): Promise<number> {
    return this.guard(() =>
      this.posts.countDocuments(countingPostsFilter(publisher, since), { maxTimeMS: this.maxTimeMs }),
    );
  }

  pendingIntents(): Promise<PostRecord[]> {
    return this.guard(async () => {
      // Longs stay Longs: a legacy numeric tweet id above 2^53 must not lose digits on the way.
      const docs = await this.posts
        .find({ status: "pending" }, { promoteLongs: false, maxTimeMS: this.maxTimeMs })
        .sort({ time: 1, _id: 1 })
        .toArray();
      return toRecords(docs);
    });
  }

  insertIntent(intent: PostIntent): Promise<string> {
    return this.guard(async () => {
      await this.ensurePostIndexes();
      const { insertedId } = await this.posts.insertOne(intentDocument(intent));
      return idString(insertedId);
    });
  }

  markPosted(id: string, fields: PostedFields, owner?: string): Promise<PostStatus | null> {
    return this.settle(id, postedChange(fields), PUBLISHED_OVER, owner);
  }

  async markFailed(id: string, error: string, owner?: string): Promise<void> {
    await this.settle(id, { status: "failed", error }, ["pending"], owner);
  }

  async markUnknown(id: string, reason: string): Promise<void> {
    await this.settle(id, { status: "unknown", error: reason }, ["pending"]);
  }

  acquireLock(owner: string, leaseMs: number, now: Date): Promise<boolean> {
    return this.guard(() => acquireLease(this.locks, owner, leaseMs, now));
  }

  renewLock(owner: string, leaseMs: number, now: Date): Promise<boolean> {
    return this.guard(() => renewLease(this.locks, owner, leaseMs, now));
  }

  lockInfo(): Promise<LockInfo | null> {
    return this.guard(() => readLease(this.locks));
  }

  releaseLock(owner: string): Promise<void> {
    return this.guard(() => releaseLease(this.locks, owner));
  }

  insertCandles(docs: RawCandle[]): Promise<number> {
    return this.guard(() => this.insertMany(this.ohlcv, docs));
  }

  insertPosts(docs: Record<string, unknown>[]): Promise<number> {
    return this.guard(async () => {
      await this.ensurePostIndexes();
      return this.insertMany(this.posts, docs);
    });
  }

  countCandles(): Promise<number> {
    return this.guard(() => this.ohlcv.countDocuments({}, { maxTimeMS: this.maxTimeMs }));
  }

  async clear(): Promise<void> {
    throw new StoreError(
      `capbot never deletes data in MongoDB (${this.host}): \`capbot demo\` and the refill are for the embedded store.`,
    );
  }

  history(query: HistoryQuery): Promise<PostRecord[]> {
    return this.guard(async () => {
      const pair = query.pair?.trim().toUpperCase() || null;
      const filter =
        pair === null ? {} : { pair: { $regex: `^\\s*${escapeRegex(pair)}\\s*$`, $options: "i" } };
      const docs = await this.posts
        .find(filter, { promoteLongs: false, maxTimeMS: this.maxTimeMs })
        .sort({ time: -1, _id: -1 })
        .limit(Math.max(0, query.limit))
        .toArray();
      // The regex also matches a later element of a legacy pair array; only the first one names the pair.
      return toRecords(docs).filter((r) => pair === null || r.pair === pair);
    });
  }

  recordRun(run: RunRecord): Promise<void> {
    return this.guard(async () => {
      await this.runs.insertOne(runDocument(run));
      // Capped by count without a capped collection (which needs rights capbot may not have).
      const old = await this.runs
        .find({}, { projection: { _id: 1 } })
        .sort({ started_at: -1 })
        .skip(KEPT_RUNS)
        .limit(100)
        .toArray();
      if (old.length > 0) await this.runs.deleteMany({ _id: { $in: old.map((d) => d["_id"]) } });
    });
  }

  recentRuns(limit: number): Promise<RunRecord[]> {
    return this.guard(async () => {
      const docs = await this.runs
        .find({}, { maxTimeMS: this.maxTimeMs })
        .sort({ started_at: -1 })
        .limit(Math.max(0, limit))
        .toArray();
      return docs.flatMap((doc) => readRun(doc) ?? []);
    });
  }

  async doctor(query: SnapshotQuery, maxDataAgeMs: number | null, now: Date): Promise<Check[]> {
    return mongoDoctor(
      {
        db: this.db,
        ohlcv: this.options.ohlcv,
        posts: this.options.posts,
        host: this.host,
        maxTimeMs: this.maxTimeMs,
        explain: (err) => this.fail(err).message,
      },
      query,
      maxDataAgeMs,
      now,
    ).catch((err: unknown) => {
      const failure = this.fail(err);
      return [failedCheck("store reachable", failure.message, failure.exitCode)];
    });
  }

  close(): Promise<void> {
    return this.guard(() => this.client.close());
  }

  private aggregate(collection: Collection<Document>, pipeline: Document[]): Promise<Document[]> {
    return collection.aggregate(pipeline, { allowDiskUse: true, maxTimeMS: this.maxTimeMs }).toArray();
  }

  /**
   * Changes one of capbot's own intents when its status is one of `from` (a legacy document has no
   * status and never matches) and, with `owner`, a pending intent only when it is that run's: each update
   * is conditional on the status it read, so a concurrent change is never overwritten. Returns the status
   * the intent had, or null when there is no such post.
   */
  private settle(
    id: string,
    set: Document,
    from: readonly PostStatus[],
    owner?: string,
  ): Promise<PostStatus | null> {
    return this.guard(async () => {
      const byId: Document = { _id: toMongoId(id, this.bson) };
      const current = await this.posts.findOne(byId, { projection: { status: 1, run_id: 1 } });
      if (current === null) return null;
      const status = (current["status"] ?? null) as PostStatus | null;
      if (status === null || !from.includes(status)) return status;
      if (status === "pending" && owner !== undefined && current["run_id"] !== owner) return status;
      const filter: Document = {
        ...byId,
        status,
        ...(status === "pending" && owner !== undefined ? { run_id: owner } : {}),
      };
      // A post that exists carries no error, whatever a reconciler wrote before it was recorded.
      const unset = set["status"] === "posted" ? { $unset: { error: "" } } : {};
      const { matchedCount } = await this.posts.updateOne(filter, { $set: set, ...unset });
      // Changed in between by another run: what it wrote stands, and is what this run is told.
      if (matchedCount === 0)
        return ((await this.posts.findOne(byId))?.["status"] ?? null) as PostStatus | null;
      return status;
    });
  }

  /**
   * Unordered, so one bad document does not stop the batch. Duplicate `_id`s (the same file imported
   * twice) are skipped, not errors; any other refusal fails the import with the server's reason.
   */
  private async insertMany(
    collection: Collection<Document>,
    docs: Record<string, unknown>[],
  ): Promise<number> {
    if (docs.length === 0) return 0;
    try {
      const result = await collection.insertMany(
        docs.map((d) => toMongoDocument(d, this.bson)),
        { ordered: false },
      );
      return result.insertedCount;
    } catch (err) {
      const writeErrors = bulkWriteErrors(err);
      if (writeErrors === null) throw err;
      const inserted = (err as { insertedCount?: unknown }).insertedCount;
      const refused = writeErrors.filter((e) => !isDuplicateKey(e));
      if (refused.length === 0) return typeof inserted === "number" ? inserted : 0;
      const reason = scrubSecrets(refused[0]?.message ?? "unknown reason", this.options.uri);
      throw new StoreError(
        `MongoDB at ${this.host} refused ${refused.length} of ${docs.length} documents for ${collection.collectionName} (first: ${reason}).`,
      );
    }
  }

  private ensurePostIndexes(): Promise<void> {
    this.postIndexes ??= this.posts.createIndexes(POST_INDEXES.map((ix) => ({ key: { ...ix.key } }))).then(
      () => undefined,
      (err: unknown) => {
        if (TOLERATED_INDEX_ERRORS.has(codeOf(err))) return;
        this.postIndexes = null;
        throw err;
      },
    );
    return this.postIndexes;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw this.fail(err);
    }
  }

  private fail(err: unknown) {
    return mongoError(err, { uri: this.options.uri, timeoutMs: this.options.serverSelectionTimeoutMs });
  }
}

function toRecords(docs: Document[]): PostRecord[] {
  return docs
    .map((doc) => normalisePost(doc, idString(doc["_id"])))
    .filter((r): r is PostRecord => r !== null);
}

/** The per-document errors of a MongoBulkWriteError, or null for any other error. */
function bulkWriteErrors(err: unknown): { code?: unknown; message?: string }[] | null {
  if (!(err instanceof Error) || err.name !== "MongoBulkWriteError") return null;
  const list = (err as { writeErrors?: unknown }).writeErrors;
  const errors = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return errors.map((e: { code?: unknown; errmsg?: unknown; message?: unknown }) => ({
    code: e.code,
    message: typeof e.errmsg === "string" ? e.errmsg : typeof e.message === "string" ? e.message : undefined,
  }));
}

function codeOf(err: unknown): number {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === "number" ? code : -1;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${formatSeconds(ms)}`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A client that failed to connect is closed without letting a second error hide the first. */
async function closeQuietly(client: MongoClient): Promise<void> {
  await withDeadline(client.close(), CONNECT_GRACE_MS).catch(() => undefined);
}
