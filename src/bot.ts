// One posting cycle (SPEC §3–8): lock → reconcile → snapshot → choose → compose → intent → publish →
// record. The decisions are the core's; this module only sequences the store and the publisher, and
// makes sure that a post is recorded exactly once whatever fails in between.

import type { Config } from "./config.js";
import { formatDuration } from "./core/duration.js";
import { type Plan, plan } from "./core/plan.js";
import type { Candidate, PostRecord, Snapshot } from "./core/types.js";
import { exitCodeOf, NothingToPostError, PublishError } from "./errors.js";
import { failpoint } from "./failpoints.js";
import type { Logger } from "./log.js";
import type { Chart, Publisher } from "./publish/port.js";
import type { RunResult } from "./result.js";
import type { Store } from "./store/port.js";

export interface CycleDeps {
  store: Store;
  publisher: Publisher;
  logger: Logger;
  runId: string;
  now?: () => Date;
  /** Runs under the lock, before anything else (the demo fill of an empty embedded store). */
  prepare?: (() => Promise<void>) | null;
  /** Builds the chart for a post; null or a throw means text-only (a chart never blocks a post). */
  chart?: ((plan: Plan, windowFrom: Date, asOf: Date) => Promise<Chart | null>) | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Runs one cycle and never throws: a failure comes back as status "error" with its exit code, beside
 * whatever was decided before it (the pair and text of a post that X refused, say).
 */
export async function runCycle(config: Config, deps: CycleDeps): Promise<RunResult> {
  const now = deps.now ?? (() => new Date());
  const asOf = config.asOf ?? now();
  const from = new Date(asOf.getTime() - config.windowMs);
  const result = emptyResult(config, deps.runId, asOf, from, deps.publisher.name);
  try {
    return await cycle(config, deps, now, asOf, from, result);
  } catch (err) {
    return { ...result, status: "error", error: (err as Error).message, exitCode: exitCodeOf(err) };
  }
}

async function cycle(
  config: Config,
  deps: CycleDeps,
  now: () => Date,
  asOf: Date,
  from: Date,
  result: RunResult,
): Promise<RunResult> {
  const { store, publisher, logger, runId } = deps;

  if (!config.dryRun) {
    const acquired = await store.acquireLock(runId, config.lockLeaseMs, now());
    if (!acquired) {
      return { ...result, status: "skipped", reason: "another capbot run holds the lock" };
    }
    failpoint("after-lock");
  }
  try {
    if (!config.dryRun) {
      await deps.prepare?.();
      await reconcilePending(store, publisher, logger, runId);
      failpoint("after-reconcile");
    }

    const snapshot = await store.snapshot({ granularity: config.granularity, from, to: asOf });
    result.skippedCandles = snapshot.skippedCandles;
    if (snapshot.skippedCandles > 0) {
      logger.warn({ skippedCandles: snapshot.skippedCandles }, "skipped candles with invalid values");
    }
    guardStaleness(snapshot, config, asOf, store);

    // Version 1's choice until the guard's settings reach Config and the tests that post one text twice
    // have new data: the guard off, one venue enough, and no last text (SPEC §5 rule 2 waits).
    const states = (await store.postStates(publisher.name)).map((state) => ({ ...state, lastText: null }));
    const decision = plan(snapshot, states, {
      rankBy: config.rankBy,
      top: config.top,
      venues: config.venues,
      labels: config.venueLabels,
      pair: config.pair,
      anomalies: { enabled: false, maxPriceDeviation: 0.1, spikeFactor: 20 },
      minVenues: 1,
    });
    Object.assign(result, describePlan(decision));

    if (config.dryRun) return { ...result, status: "dry-run" };

    if (config.maxPostsPerDay !== null) {
      const recent = await store.countPostsSince(publisher.name, new Date(now().getTime() - DAY_MS));
      if (recent >= config.maxPostsPerDay) {
        return {
          ...result,
          status: "skipped",
          reason: `the daily budget of ${config.maxPostsPerDay} posts on ${publisher.name} is used up (${recent} in the last 24 h)`,
        };
      }
    }

    const chart = await buildChart(deps, decision, from, asOf, result.warnings, logger);
    const intentTime = now();
    const intentId = await store.insertIntent({
      time: intentTime,
      pair: decision.pair,
      tweetText: decision.text,
      inReplyTo: decision.inReplyTo,
      publisher: publisher.name,
      runId,
    });
    failpoint("after-intent");
    let published: Awaited<ReturnType<Publisher["publish"]>>;
    try {
      failpoint("before-publish");
      published = await publisher.publish({
        intentId,
        intentTime,
        text: decision.text,
        inReplyTo: decision.inReplyTo === null ? null : { id: decision.inReplyTo, thread: null },
        chart,
        deadline: new Date(now().getTime() + Math.max(config.lockLeaseMs / 2, 60_000)),
        fence: async () => undefined,
      });
    } catch (err) {
      // An uncertain outcome stays pending: the next run reconciles it instead of posting again.
      const uncertain = !(err instanceof PublishError) || err.uncertain;
      if (!uncertain) await store.markFailed(intentId, (err as Error).message, runId);
      throw err;
    }
    failpoint("after-publish");
    await store.markPosted(intentId, {
      tweetId: published.id,
      time: published.time,
      inReplyTo: published.inReplyTo,
      media: published.media ?? null,
    });
    failpoint("after-record");
    if (published.threadRestarted) {
      result.warnings.push(`the reply target ${decision.inReplyTo} is gone: started a new thread`);
    }
    result.warnings.push(...published.warnings);
    return {
      ...result,
      status: "posted",
      postId: published.id,
      inReplyTo: published.inReplyTo,
      media: published.media ?? null,
    };
  } finally {
    // A lock that cannot be released expires with its lease; it must not turn a recorded post into an error.
    if (!config.dryRun) {
      await store.releaseLock(runId).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, "could not release the lock; it expires with its lease");
      });
    }
  }
}

/**
 * SPEC §8: intents left `pending` by a run that died. We hold the lock, so no other run is live and
 * every pending intent is dead — including one younger than the lease, which a takeover can find.
 */
async function reconcilePending(
  store: Store,
  publisher: Publisher,
  logger: Logger,
  runId: string,
): Promise<void> {
  const pending = (await store.pendingIntents()).filter((p) => p.runId !== runId);
  for (const intent of pending) {
    const outcome = await reconcileOne(publisher, intent);
    if (outcome.status === "posted") {
      await store.markPosted(intent.id, {
        tweetId: outcome.id,
        time: outcome.time,
        inReplyTo: intent.inReplyTo,
      });
    } else if (outcome.status === "failed") {
      await store.markFailed(intent.id, outcome.error);
    } else {
      await store.markUnknown(intent.id, outcome.reason);
    }
    logger.warn(
      { intent: intent.id, pair: intent.pair, outcome: outcome.status },
      "reconciled a pending post",
    );
  }
}

async function reconcileOne(publisher: Publisher, intent: PostRecord) {
  if (intent.publisher !== publisher.name) {
    return {
      status: "unknown" as const,
      reason: `left pending on ${intent.publisher}, which this run does not publish to`,
    };
  }
  return publisher.reconcile(intent);
}

/** SPEC §3 stale data: never post shares from a feed that stopped. */
function guardStaleness(snapshot: Snapshot, config: Config, asOf: Date, store: Store): void {
  if (config.maxDataAgeMs === null) return;
  const newest = snapshot.newestCandleAt;
  if (newest === null) {
    const hint =
      store.kind === "embedded"
        ? "import candles (capbot import FILE) or load the demo data (capbot demo)"
        : "check the ohlcv collection and the candles' granularity";
    throw new NothingToPostError(
      `There are no valid ${config.granularity} candles before ${asOf.toISOString()}: ${hint}.`,
    );
  }
  const age = asOf.getTime() - newest.getTime();
  if (age > config.maxDataAgeMs) {
    throw new NothingToPostError(
      `The data is stale: the newest ${config.granularity} candle is ${formatDuration(age)} old at ${asOf.toISOString()} ` +
        `(limit ${formatDuration(config.maxDataAgeMs)}; set CAPBOT_MAX_DATA_AGE or --max-data-age to change it).`,
    );
  }
}

async function buildChart(
  deps: CycleDeps,
  decision: Plan,
  from: Date,
  asOf: Date,
  warnings: string[],
  logger: Logger,
): Promise<Chart | null> {
  if (!deps.chart) return null;
  try {
    return await deps.chart(decision, from, asOf);
  } catch (err) {
    const warning = `the chart could not be drawn: ${(err as Error).message}`;
    warnings.push(warning);
    logger.warn(warning);
    return null;
  }
}

function describePlan(decision: Plan): Partial<RunResult> {
  return {
    pair: decision.pair,
    text: decision.text,
    inReplyTo: decision.inReplyTo,
    candidates: decision.candidates.map(candidateJson),
    venues: decision.venues.map((v) => ({
      venue: v.venue,
      label: v.label,
      volume: v.volume,
      share: v.share,
    })),
    anomalies: decision.anomalies,
    unpricedPairs: decision.unpricedPairs,
    lines: decision.lines.map((l) => ({ label: l.label, text: l.text, hundredths: l.hundredths })),
  };
}

function candidateJson(c: Candidate): RunResult["candidates"][number] {
  return {
    pair: c.pair,
    metric: c.metric,
    lastPostedAt: c.lastPostedAt ? c.lastPostedAt.toISOString() : null,
    ...(c.reason === undefined ? {} : { reason: c.reason }),
  };
}

export function emptyResult(
  config: Config,
  runId: string,
  asOf: Date,
  from: Date,
  publisher: RunResult["publisher"],
): RunResult {
  return {
    status: "error",
    pair: null,
    text: null,
    inReplyTo: null,
    postId: null,
    publisher,
    rankBy: config.rankBy,
    asOf: asOf.toISOString(),
    window: { from: from.toISOString(), to: asOf.toISOString() },
    granularity: config.granularity,
    candidates: [],
    venues: [],
    anomalies: [],
    skippedCandles: 0,
    unpricedPairs: 0,
    runId,
    exitCode: 0,
    warnings: [],
  };
}
