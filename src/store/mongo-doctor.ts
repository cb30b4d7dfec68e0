// The MongoDB lines of `capbot doctor`: reach (version, topology), the candles collection (readable,
// time-series or not, indexes, how the window query is served), whether capbot may write its posts and
// lock — checked without writing — and data freshness. Interpreting the server's answers is kept in
// pure functions so that it is tested without a server.

import type { Db, Document } from "mongodb";
import { freshness as dataFreshness } from "../core/freshness.js";
import type { SnapshotQuery } from "../core/types.js";
import { EXIT } from "../errors.js";
import { LOCK_COLLECTION } from "./mongo-lock.js";
import { newestCandlePipeline, snapshotPipeline } from "./pipelines.js";
import type { Check } from "./port.js";
import { RUNS_COLLECTION } from "./runs.js";

export interface MongoDoctorContext {
  db: Db;
  ohlcv: string;
  posts: string;
  /** Host(s) only, for details. */
  host: string;
  maxTimeMs: number;
  /** Turns a driver error into the one sentence a person reads. */
  explain: (err: unknown) => string;
}

/** The index every window query can use: equality on granularity, then the time range. */
export function recommendedIndex(timeField: string): string {
  return `{ granularity: 1, ${timeField}: 1 }`;
}

export async function mongoDoctor(
  ctx: MongoDoctorContext,
  query: SnapshotQuery,
  maxDataAgeMs: number | null,
  now: Date,
): Promise<Check[]> {
  const reach = await guarded(ctx, "store reachable", () => reachCheck(ctx));
  if (!reach.ok) return [reach];
  const checks: Check[] = [reach];
  let info: CollectionInfo | null = null;
  try {
    info = await collectionInfo(ctx);
  } catch (err) {
    checks.push(storeFailure("ohlcv readable", ctx, err));
  }
  if (info !== null) {
    const known = info;
    checks.push(await guarded(ctx, "ohlcv readable", () => readableCheck(ctx, known)));
    if (known.exists) checks.push(await guarded(ctx, "ohlcv indexes", () => indexCheck(ctx, known, query)));
  }
  checks.push(await guarded(ctx, "posts writable", () => writableCheck(ctx)));
  checks.push(await guarded(ctx, "data freshness", () => freshnessCheck(ctx, query, maxDataAgeMs, now)));
  return checks;
}

async function reachCheck(ctx: MongoDoctorContext): Promise<Check> {
  const admin = ctx.db.admin();
  const [build, hello] = await Promise.all([admin.command({ buildInfo: 1 }), admin.command({ hello: 1 })]);
  return {
    name: "store reachable",
    ok: true,
    detail: `MongoDB ${String(build["version"] ?? "?")} at ${ctx.host}, ${topologyOf(hello)}`,
  };
}

/** What kind of deployment answered a `hello`. */
export function topologyOf(hello: Document): string {
  if (typeof hello["setName"] === "string") return `replica set ${hello["setName"]}`;
  if (hello["msg"] === "isdbgrid") return "sharded cluster (mongos)";
  return "standalone server";
}

interface CollectionInfo {
  exists: boolean;
  timeField: string | null;
  metaField: string | null;
}

async function collectionInfo(ctx: MongoDoctorContext): Promise<CollectionInfo> {
  const [info] = await ctx.db
    .listCollections({ name: ctx.ohlcv }, { nameOnly: false, authorizedCollections: true })
    .toArray();
  const timeseries = (info as { options?: { timeseries?: Document } } | undefined)?.options?.timeseries;
  return {
    exists: info !== undefined,
    timeField: typeof timeseries?.["timeField"] === "string" ? timeseries["timeField"] : null,
    metaField: typeof timeseries?.["metaField"] === "string" ? timeseries["metaField"] : null,
  };
}

async function readableCheck(ctx: MongoDoctorContext, info: CollectionInfo): Promise<Check> {
  const name = `${ctx.db.databaseName}.${ctx.ohlcv}`;
  if (!info.exists) {
    return {
      name: "ohlcv readable",
      ok: false,
      detail: `${name} does not exist (or this user may not list it)`,
      fix: "check MONGODB_DB and CAPBOT_OHLCV_COLLECTION, and that the user has read on the collection",
      exitCode: EXIT.store,
    };
  }
  await ctx.db.collection(ctx.ohlcv).findOne({}, { projection: { _id: 1 }, maxTimeMS: ctx.maxTimeMs });
  const kind =
    info.timeField === null
      ? "a regular collection"
      : `a time-series collection (timeField ${info.timeField}${info.metaField ? `, metaField ${info.metaField}` : ""})`;
  return { name: "ohlcv readable", ok: true, detail: `${name} is readable, ${kind}` };
}

async function indexCheck(
  ctx: MongoDoctorContext,
  info: CollectionInfo,
  query: SnapshotQuery,
): Promise<Check> {
  const ohlcv = ctx.db.collection(ctx.ohlcv);
  const indexes = await ohlcv.listIndexes().toArray();
  const explained = await ohlcv
    .aggregate(snapshotPipeline(query), { allowDiskUse: true, maxTimeMS: ctx.maxTimeMs })
    .explain("executionStats");
  const summary = explainSummary(explained);
  const keys = indexes.map((ix) => JSON.stringify(ix["key"])).join(", ") || "none";
  const unit = info.timeField === null ? "documents" : "buckets";
  const served = summary.indexes.length > 0 ? `index ${summary.indexes.join(", ")}` : summary.plan;
  const detail = `indexes ${keys}; the window query (${served}) examined ${summary.examined} ${unit} and returned ${summary.returned}`;
  if (!wasteful(summary)) return { name: "ohlcv indexes", ok: true, detail };
  return {
    name: "ohlcv indexes",
    ok: true,
    detail: `${detail}: far more examined than returned`,
    fix: `ask the data team for the index ${recommendedIndex(info.timeField ?? "timestamp")} on ${ctx.db.databaseName}.${ctx.ohlcv}${
      info.timeField === null ? "" : " (a secondary index on a time-series collection, MongoDB 6.0+)"
    }; capbot never creates indexes there`,
  };
}

export interface ExplainSummary {
  /** Documents (or time-series buckets) the query stage read. */
  examined: number;
  keysExamined: number;
  /** Documents the query stage handed on, i.e. those in the window. */
  returned: number;
  /** The winning plans' stages, e.g. "COLLSCAN" or "IXSCAN". */
  plan: string;
  /** Names of the indexes the winning plans used. */
  indexes: string[];
}

/**
 * Reads an `explain("executionStats")` of an aggregation, whichever shape the server gave: the
 * classic `$cursor` stage, a whole-pipeline SBE plan, or one of each per shard (summed).
 */
export function explainSummary(explain: Document): ExplainSummary {
  const totals = { examined: 0, keysExamined: 0, returned: 0 };
  const stages = new Set<string>();
  const indexes = new Set<string>();
  const visit = (node: unknown, inPlan: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, inPlan);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (inPlan && typeof record["stage"] === "string") stages.add(record["stage"]);
    if (inPlan && typeof record["indexName"] === "string") indexes.add(record["indexName"]);
    for (const [key, value] of Object.entries(record)) {
      if (key === "executionStats" && isStats(value)) {
        totals.examined += value.totalDocsExamined;
        totals.keysExamined += numberOr0(value.totalKeysExamined);
        totals.returned += numberOr0(value.nReturned);
      } else if (key !== "allPlansExecution" && key !== "rejectedPlans") {
        visit(value, inPlan || key === "winningPlan");
      }
    }
  };
  visit(explain, false);
  const plan = ["COLLSCAN", "CLUSTERED_IXSCAN", "IXSCAN", "EOF"].filter((s) => stages.has(s)).join("+");
  return { ...totals, plan: plan || "unknown plan", indexes: [...indexes].sort() };
}

/** A full scan, or many more documents read than kept: the window query lacks a fitting index. */
export function wasteful(summary: ExplainSummary): boolean {
  if (summary.examined < 1000) return false;
  return summary.plan.includes("COLLSCAN") || summary.examined > 4 * Math.max(summary.returned, 1);
}

function isStats(
  value: unknown,
): value is { totalDocsExamined: number; totalKeysExamined?: unknown; nReturned?: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Document)["totalDocsExamined"] === "number"
  );
}

function numberOr0(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/**
 * What capbot writes, read from the user's privileges: the posts (find, insert, update), the lock (and
 * remove), the runs record (find, insert, remove: only the last runs are kept).
 */
export async function writableCheck(ctx: MongoDoctorContext): Promise<Check> {
  const status = await ctx.db.admin().command({ connectionStatus: 1, showPrivileges: true });
  const dbName = ctx.db.databaseName;
  const missing = [
    ...missingActions(status, dbName, ctx.posts, ["find", "insert", "update"]),
    ...missingActions(status, dbName, LOCK_COLLECTION, ["find", "insert", "update", "remove"]),
    ...missingActions(status, dbName, RUNS_COLLECTION, ["find", "insert", "remove"]),
  ];
  const written = `${dbName}.${ctx.posts}, ${dbName}.${LOCK_COLLECTION} and ${dbName}.${RUNS_COLLECTION}`;
  const authenticated = authenticatedUsers(status) > 0;
  if (!authenticated) {
    return {
      name: "posts writable",
      ok: true,
      detail: `not authenticated: ${ctx.host} does not ask for credentials, so writes to ${dbName}.${ctx.posts} are not restricted by a user's roles`,
    };
  }
  if (missing.length === 0) {
    const indexes = missingActions(status, dbName, ctx.posts, ["createIndex"]).length === 0;
    return {
      name: "posts writable",
      ok: true,
      detail: `the user may write ${written}${
        indexes ? "" : " (but not create the posts indexes: queries on posts will scan)"
      }`,
    };
  }
  return {
    name: "posts writable",
    ok: false,
    detail: `the user lacks ${missing.join(", ")}`,
    fix: `give the user readWrite on ${written} (Atlas: Database Access → edit user)`,
    exitCode: EXIT.store,
  };
}

function authenticatedUsers(status: Document): number {
  const users = (status["authInfo"] as Document | undefined)?.["authenticatedUsers"];
  return Array.isArray(users) ? users.length : 0;
}

/** The `actions` a `connectionStatus` with `showPrivileges` lacks on db.collection, as "collection:action". */
export function missingActions(
  status: Document,
  db: string,
  collection: string,
  actions: string[],
): string[] {
  const privileges = (status["authInfo"] as Document | undefined)?.["authenticatedUserPrivileges"];
  const granted = new Set<string>();
  for (const privilege of Array.isArray(privileges) ? privileges : []) {
    if (!covers(privilege?.resource, db, collection)) continue;
    for (const action of Array.isArray(privilege?.actions) ? privilege.actions : [])
      granted.add(String(action));
  }
  return actions.filter((a) => !granted.has(a)).map((a) => `${collection}:${a}`);
}

/** A privilege's resource covers a collection: exact, "" wildcards for db or collection, or anyResource. */
function covers(resource: unknown, db: string, collection: string): boolean {
  if (typeof resource !== "object" || resource === null) return false;
  const r = resource as Document;
  if (r["anyResource"] === true) return true;
  if (typeof r["db"] !== "string" || typeof r["collection"] !== "string") return false;
  return (r["db"] === "" || r["db"] === db) && (r["collection"] === "" || r["collection"] === collection);
}

async function freshnessCheck(
  ctx: MongoDoctorContext,
  query: SnapshotQuery,
  maxDataAgeMs: number | null,
  now: Date,
): Promise<Check> {
  const [newest] = await ctx.db
    .collection(ctx.ohlcv)
    .aggregate(newestCandlePipeline(query.granularity, query.to), {
      allowDiskUse: true,
      maxTimeMS: ctx.maxTimeMs,
    })
    .toArray();
  const at = newest?.["timestamp"];
  return freshness(at instanceof Date ? at : null, query.granularity, maxDataAgeMs, now);
}

/** SPEC §3 stale data (core/freshness), as a doctor line: exit 3 when a run would refuse the data. */
export function freshness(
  newest: Date | null,
  granularity: string,
  maxDataAgeMs: number | null,
  now: Date,
): Check {
  const { state, ok, detail } = dataFreshness(newest, now, granularity, maxDataAgeMs);
  if (ok) return { name: "data freshness", ok, detail };
  return {
    name: "data freshness",
    ok,
    detail,
    fix:
      state === "missing"
        ? "check that candles are being written, and the granularity setting"
        : "check the job that writes candles, or raise --max-data-age",
    exitCode: EXIT.nothingToPost,
  };
}

async function guarded(ctx: MongoDoctorContext, name: string, check: () => Promise<Check>): Promise<Check> {
  try {
    return await check();
  } catch (err) {
    return storeFailure(name, ctx, err);
  }
}

function storeFailure(name: string, ctx: MongoDoctorContext, err: unknown): Check {
  return failedCheck(name, ctx.explain(err), EXIT.store);
}

/**
 * A doctor line from an error's sentence "what happened: what to check" (detail: fix) — also for the
 * shell, when opening the store already failed and no other line can be asked for.
 */
export function failedCheck(name: string, sentence: string, exitCode: number): Check {
  const split = sentence.indexOf(": ");
  return {
    name,
    ok: false,
    detail: split < 0 ? sentence : sentence.slice(0, split),
    fix:
      split < 0
        ? "run `capbot doctor` again once the store answers"
        : sentence.slice(split + 2).replace(/\.$/, ""),
    exitCode,
  };
}
