// What the operator's page shows, computed at the time of a request as a dry run would: the next post
// exactly as `capbot run --dry-run --json` gives it (the same cycle, on a store opened read-only, with no
// lock), why its pair, the threads, the recent runs, the lock, doctor's lines, the daily budgets and
// /healthz's verdict. Nothing here writes; a part that cannot be read is left empty and said in `problems`.

import { randomUUID } from "node:crypto";
import { emptyResult } from "../bot/outcome.js";
import { runCycle } from "../bot.js";
import { runObject } from "../cli/output.js";
import type { Config } from "../config.js";
import { storeChecks, storeFailed } from "../doctor/checks.js";
import { exitCodeOf } from "../errors.js";
import type { Health } from "../health.js";
import type { Logger } from "../log.js";
import type { Chart, Publisher } from "../publish/port.js";
import { xPostUrl } from "../publish/x-url.js";
import { lockCheck, unreadableLock } from "../report/lock.js";
import type { RunResult } from "../result.js";
import { drawChart } from "../runner.js";
import { scrub } from "../secrets.js";
import type { Check, RunRecord, Store } from "../store/port.js";
import { type PairThreads, threadsOf } from "./threads.js";
import { type Why, whyThisPair } from "./why.js";

export const CHART_PATH = "/chart/next.png";

/** The runs listed. */
const RUNS_SHOWN = 10;
/** Posts read for the threads and the reply targets' links. */
const POSTS_READ = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PageStatus {
  generatedAt: string;
  /** The next post: exactly the object `capbot run --dry-run --json` prints at this instant. */
  next: ReturnType<typeof runObject>;
  chart: { path: string; alt: string; width: number; height: number } | null;
  why: Why | null;
  /** Each network's reply target for the next post, with where it can be seen. */
  replyTargets: { publisher: string; inReplyTo: string | null; url: string | null }[];
  threads: PairThreads[];
  runs: RunJson[];
  lock: { owner: string | null; holder: string | null; until: string | null; detail: string };
  /** Doctor's lines: the store's (the lock and data freshness among them), then each publisher's. */
  checks: { store: Check[]; publishers: Check[]; publishersCheckedAt: string | null };
  /** The daily budget left per network; `perDay` and `left` are null when there is none. */
  budgets: { publisher: string; perDay: number | null; used: number; left: number | null }[];
  /** /healthz's verdict; null when it could not be read. */
  health: (Health["body"] & { ok: boolean }) | null;
  /** Parts that could not be read, one sentence each. */
  problems: string[];
}

type RunJson = Omit<RunRecord, "startedAt"> & { startedAt: string };

export interface StatusSources {
  config: Config;
  logger: Logger;
  openStore: () => Promise<Store>;
  /** Opened once and kept by the server (a network's text limit is asked once). */
  publishers: () => Promise<readonly Publisher[]>;
  /** Each publisher's doctor line; one request per network, so the server keeps them a few minutes. */
  publisherChecks: () => Promise<{ checks: Check[]; at: Date }>;
  health: () => Promise<Health>;
  now: () => Date;
}

/** The status and the PNG of the next post's chart (null when there is no post, or no chart is posted). */
export interface Computed {
  status: PageStatus;
  png: Uint8Array | null;
}

export async function computeStatus(sources: StatusSources): Promise<Computed> {
  const { config } = sources;
  const at = sources.now();
  const problems: string[] = [];
  const [publishers, health, publisherChecks] = await Promise.all([
    sources.publishers().catch((err: unknown) => err as Error),
    sources.health().catch((err: unknown) => {
      problems.push(`the health could not be read: ${scrub((err as Error).message)}`);
      return null;
    }),
    sources.publisherChecks(),
  ]);
  const base = (result: RunResult, storeLines: Check[]): PageStatus => ({
    generatedAt: at.toISOString(),
    next: runObject(result),
    chart: null,
    why: whyThisPair(result.pair, result.candidates, result.rankBy),
    replyTargets: [],
    threads: [],
    runs: [],
    lock: { owner: null, holder: null, until: null, detail: "unknown: the store could not be read" },
    checks: {
      store: storeLines,
      publishers: publisherChecks.checks,
      publishersCheckedAt: publisherChecks.at.toISOString(),
    },
    budgets: [],
    health: health && { ok: health.ok, ...health.body },
    problems,
  });
  let store: Store;
  try {
    store = await sources.openStore();
  } catch (err) {
    return { status: base(errorResult(config, at, err), [storeFailed(err)]), png: null };
  }
  try {
    const result =
      publishers instanceof Error
        ? errorResult(config, at, publishers)
        : await runCycle(
            { ...config, dryRun: true },
            {
              store,
              publishers,
              logger: quieter(sources.logger),
              runId: randomUUID(),
              now: () => at,
            },
          );
    const status = base(result, await storeChecks(config, store, at));
    const reads = await readStore(store, config, at, problems);
    Object.assign(status, reads.status);
    status.replyTargets = result.posts.map((p) => ({
      publisher: p.publisher,
      inReplyTo: p.inReplyTo,
      url: reads.linkOf(p.publisher, p.inReplyTo),
    }));
    const chart = await chartOf(config, result, problems);
    status.chart = chart && { path: CHART_PATH, alt: chart.alt, width: chart.width, height: chart.height };
    return { status, png: chart?.png ?? null };
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** The threads, the runs, the lock and the budgets; each that fails is said in `problems`. */
async function readStore(store: Store, config: Config, at: Date, problems: string[]) {
  const attempt = async <T>(what: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      problems.push(`${what} could not be read: ${scrub((err as Error).message)}`);
      return fallback;
    }
  };
  const posts = await attempt("the posts", () => store.history({ limit: POSTS_READ }), []);
  const runs = await attempt("the runs", () => store.recentRuns(RUNS_SHOWN), []);
  const lock = await store.lockInfo().then(
    (info) => ({
      owner: info?.owner ?? null,
      holder: info?.holder ?? null,
      until: info?.expiresAt.toISOString() ?? null,
      detail: lockCheck(info, at, config.lockLeaseMs).detail,
    }),
    (err: unknown) => ({
      owner: null,
      holder: null,
      until: null,
      detail: unreadableLock(scrub((err as Error).message)).detail,
    }),
  );
  const budgets = await attempt(
    "the daily budgets",
    () =>
      Promise.all(
        config.publishers.map(async (publisher) => {
          const perDay = config.maxPostsPerDay[publisher];
          const used = await store.countPostsSince(publisher, new Date(at.getTime() - DAY_MS));
          return { publisher, perDay, used, left: perDay === null ? null : Math.max(0, perDay - used) };
        }),
      ),
    [],
  );
  const linkOf = (publisher: string, id: string | null): string | null => {
    if (id === null) return null;
    const record = posts.find((p) => p.publisher === publisher && p.tweetId === id);
    return record?.url ?? (publisher === "x" ? xPostUrl(id) : null);
  };
  return {
    status: {
      threads: threadsOf(posts),
      runs: runs.map((r) => ({ ...r, startedAt: r.startedAt.toISOString() })),
      lock,
      budgets,
    },
    linkOf,
  };
}

/** The chart the next run would post with its text; none when charts are off or there is no post. */
async function chartOf(config: Config, result: RunResult, problems: string[]): Promise<Chart | null> {
  if (!config.chart || result.status !== "dry-run" || result.pair === null || !result.lines) return null;
  try {
    return await drawChart(result.pair, result.lines, new Date(result.asOf), config.windowText);
  } catch (err) {
    problems.push(`the chart could not be drawn: ${scrub((err as Error).message)}`);
    return null;
  }
}

/**
 * The dry run's own warnings (anomalies, skipped candles) would repeat on every refresh: errors only, or
 * less when the operator asked for less.
 */
function quieter(logger: Logger): Logger {
  const level = logger.levelVal >= (logger.levels.values["error"] ?? 50) ? logger.level : "error";
  return logger.child({}, { level });
}

/** What `run --dry-run --json` says when the store or the publishers cannot even be opened. */
function errorResult(config: Config, at: Date, err: unknown): RunResult {
  const asOf = config.asOf ?? at;
  const from = new Date(asOf.getTime() - config.windowMs);
  const result = emptyResult(config, randomUUID(), asOf, from, config.publishers[0] ?? "local");
  return { ...result, error: scrub((err as Error).message), exitCode: exitCodeOf(err) };
}
