// One whole `capbot run`: open the store and the publishers, fill an empty embedded store with the demo
// data, run the cycle, log the one summary event, write the GitHub step summary, close everything.
// Never throws: every failure comes back as a RunResult with status "error" and its exit code.

import { randomUUID } from "node:crypto";
import { openPublishers, openStore } from "./adapters.js";
import { emptyResult } from "./bot/outcome.js";
import { runCycle } from "./bot.js";
import type { Config } from "./config.js";
import type { Plan } from "./core/plan.js";
import { generateDemo } from "./demo.js";
import { exitCodeOf } from "./errors.js";
import { failpoint } from "./failpoints.js";
import type { Logger } from "./log.js";
import type { Chart, Publisher } from "./publish/port.js";
import type { RunResult } from "./result.js";
import { scrub } from "./secrets.js";
import type { Store } from "./store/port.js";

export interface RunOptions {
  now?: () => Date;
}

export async function runOnce(config: Config, logger: Logger, options: RunOptions = {}): Promise<RunResult> {
  const now = options.now ?? (() => new Date());
  const runId = randomUUID();
  const started = performance.now();
  const startedAt = now();
  let store: Store | null = null;
  let publishers: Publisher[] = [];
  let result: RunResult;
  const notices: string[] = [];
  try {
    store = await openStore(config, { readonly: config.dryRun });
    const opened = store;
    publishers = await openPublishers(config, logger);
    result = await runCycle(config, {
      store,
      publishers,
      logger,
      runId,
      now,
      prepare: async () => {
        const notice = await fillIfEmpty(config, opened, now());
        if (notice) {
          notices.push(notice);
          logger.info(notice);
        }
      },
      chart:
        config.chart && !config.dryRun
          ? (plan: Plan, _from: Date, asOf: Date) => drawChart(plan.pair, plan.lines, asOf, config.windowText)
          : null,
    });
    if (!config.dryRun) await keepRun(store, result, startedAt, performance.now() - started, logger);
  } catch (err) {
    const asOf = config.asOf ?? now();
    result = {
      ...emptyResult(
        config,
        runId,
        asOf,
        new Date(asOf.getTime() - config.windowMs),
        config.publishers[0] ?? "local",
      ),
      error: scrub((err as Error).message),
      exitCode: exitCodeOf(err),
    };
  } finally {
    await Promise.all(publishers.map((p) => p.close?.().catch(() => undefined)));
    await store?.close().catch(() => undefined);
  }
  if (result.status === "error" && result.exitCode === 0) result.exitCode = 1;
  if (notices.length > 0) result.notices = notices;

  logRunSummary(logger, result, performance.now() - started);
  await writeStepSummary(result, logger);
  return result;
}

/**
 * SPEC §9: a run on an empty embedded store fills it with the demo data first, and says so. Only for
 * the local publisher: demo figures must never reach a real account. It runs under the run's lock,
 * and never removes anything (posts imported before the first run stay).
 */
async function fillIfEmpty(config: Config, store: Store, now: Date): Promise<string | null> {
  const localOnly = config.publishers.length === 1 && config.publishers[0] === "local";
  if (store.kind !== "embedded" || !localOnly || (await store.countCandles()) > 0) return null;
  const keepPosts = (await store.history({ limit: 1 })).length > 0;
  const filled = await fillDemo(store, now, { clear: false, posts: !keepPosts });
  return `The embedded store was empty: filled it with the demo data set (${filled.candles} candles, ${filled.posts} legacy posts).`;
}

/**
 * `capbot demo` (which starts from an empty store) and the first run on an empty embedded store. All or
 * nothing: in one transaction, so that a kill or a full disk half way leaves the store as it was (an
 * empty one is filled again by the next run), never with a part of the set that no run would refill.
 */
export async function fillDemo(
  store: Store,
  now: Date,
  options: { clear: boolean; posts: boolean } = { clear: true, posts: true },
): Promise<{ candles: number; posts: number }> {
  const demo = generateDemo(now);
  const posts = options.posts ? demo.posts : [];
  const fill = async (): Promise<void> => {
    if (options.clear) await store.clear();
    const batch = 5_000;
    for (let i = 0; i < demo.candles.length; i += batch) {
      await store.insertCandles(demo.candles.slice(i, i + batch));
      failpoint("demo-fill");
    }
    if (posts.length > 0) await store.insertPosts(posts);
    failpoint("demo-fill");
  };
  if (store.atomically) await store.atomically(fill);
  else await fill();
  return { candles: demo.candles.length, posts: posts.length };
}

/** The chart of a post, drawn by modules that are loaded only when a chart is really wanted. */
export async function drawChart(
  pair: string,
  lines: { label: string; text: string; hundredths: number }[],
  asOf: Date,
  windowText: string,
): Promise<Chart> {
  const [{ renderChart }, { altText }, { CHART_WIDTH, CHART_HEIGHT }] = await Promise.all([
    import("./chart/render.js"),
    import("./chart/alt.js"),
    import("./chart/svg.js"),
  ]);
  const input = {
    pair,
    windowEnd: asOf,
    windowLabel: windowText.replace(/^(\d+)([a-z]+)$/i, "$1 $2"),
    lines,
  };
  return { png: await renderChart(input), alt: altText(input), width: CHART_WIDTH, height: CHART_HEIGHT };
}

/** The run's summary for the operator's page; a store that cannot keep it never fails the run. */
async function keepRun(
  store: Store,
  result: RunResult,
  startedAt: Date,
  durationMs: number,
  logger: Logger,
): Promise<void> {
  if (result.status === "dry-run") return;
  try {
    await store.recordRun({
      runId: result.runId,
      startedAt,
      durationMs: Math.round(durationMs),
      status: result.status,
      exitCode: result.exitCode === 0 && result.status === "error" ? 1 : result.exitCode,
      pair: result.pair,
      reason: result.reason ?? null,
      error: result.error ?? null,
      posts: result.posts.map((p) => ({ publisher: p.publisher, status: p.status })),
    });
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not keep the run's summary");
  }
}

/** The one event every run ends with (issue 5): enough to follow a bot from its logs alone. */
function logRunSummary(logger: Logger, result: RunResult, durationMs: number): void {
  const event = {
    event: "run",
    runId: result.runId,
    durationMs: Math.round(durationMs),
    pair: result.pair,
    status: result.status,
    postId: result.postId,
    inReplyTo: result.inReplyTo,
    publisher: result.publisher,
    skippedCandles: result.skippedCandles,
    exitCode: result.exitCode,
    ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
    ...(result.posts.length > 0
      ? { posts: result.posts.map((p) => ({ publisher: p.publisher, status: p.status, postId: p.postId })) }
      : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.error ? { error: result.error } : {}),
  };
  if (result.status === "error") logger.error(event, "run failed");
  else logger.info(event, `run ${result.status}`);
}

async function writeStepSummary(result: RunResult, logger: Logger): Promise<void> {
  const path = process.env["GITHUB_STEP_SUMMARY"];
  if (!path) return;
  try {
    const { appendStepSummary } = await import("./report/step-summary.js");
    await appendStepSummary(result, path);
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not write the GitHub step summary");
  }
}
