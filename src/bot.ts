// One posting cycle (SPEC §3–8a): lock → reconcile → snapshot → choose → compose → per publisher:
// intent → (lease still ours?) → publish → record. The decisions are the core's; this module sequences
// the store and the publishers (the parts live in src/bot/), and makes sure that a post is recorded
// exactly once on each network whatever fails in between, and that a run which lost its lease posts nothing.

import { LeaseKeeper } from "./bot/lease.js";
import { emptyResult, settle } from "./bot/outcome.js";
import { publishOne } from "./bot/publish.js";
import { reconcilePending } from "./bot/reconcile.js";
import type { Config } from "./config.js";
import { freshness } from "./core/freshness.js";
import { allOf } from "./core/limits.js";
import { NothingPostableError, type Plan, plan } from "./core/plan.js";
import type { Candidate, PairPostState, Snapshot } from "./core/types.js";
import { exitCodeOf, NothingToPostError } from "./errors.js";
import { failpoint } from "./failpoints.js";
import type { Logger } from "./log.js";
import type { Chart, Publisher, ReplyTarget } from "./publish/port.js";
import { logAnomalies } from "./report/anomalies.js";
import { LOCK_HELD_REASON, type PostOutcome, type RunResult } from "./result.js";
import { scrub } from "./secrets.js";
import type { Store } from "./store/port.js";

export interface CycleDeps {
  store: Store;
  /** Where the post goes, in order; at least one. */
  publishers: readonly Publisher[];
  logger: Logger;
  runId: string;
  now?: () => Date;
  /** Runs under the lock, before anything else (the demo fill of an empty embedded store). */
  prepare?: (() => Promise<void>) | null;
  /** Builds the chart for a post; null or a throw means text-only (a chart never blocks a post). */
  chart?: ((plan: Plan, windowFrom: Date, asOf: Date) => Promise<Chart | null>) | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** SPEC §3a: the volumes of this many windows before the window decide a spike. */
const PRIOR_WINDOWS = 7;

/**
 * Runs one cycle and never throws: a failure comes back as status "error" with its exit code, beside
 * whatever was decided before it (the pair and text of a post that a network refused, say).
 */
export async function runCycle(config: Config, deps: CycleDeps): Promise<RunResult> {
  const now = deps.now ?? (() => new Date());
  const asOf = config.asOf ?? now();
  const from = new Date(asOf.getTime() - config.windowMs);
  // Stryker disable next-line OptionalChaining,StringLiteral: a run has at least one publisher (CycleDeps.publishers); the fallback only satisfies the index type
  const first = deps.publishers[0]?.name ?? "local";
  const result = emptyResult(config, deps.runId, asOf, from, first);
  try {
    return await cycle(config, deps, now, asOf, from, result);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ...result, status: "error", error: scrub(message), exitCode: exitCodeOf(err) };
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
  const { store, publishers, logger, runId } = deps;
  if (config.dryRun) return dryRun(await decide(config, deps, asOf, from, result), publishers);

  if (!(await store.acquireLock(runId, config.lockLeaseMs, now()))) {
    return { ...result, status: "skipped", skippedFor: "lock", reason: LOCK_HELD_REASON };
  }
  // Stryker disable next-line StringLiteral: only the fault tests name a failpoint, and they kill the built CLI in a child process (tests/cli/kill.test.ts, tests/networks/kill.test.ts)
  failpoint("after-lock");
  const lease = new LeaseKeeper(store, runId, config.lockLeaseMs, now, logger);
  lease.start();
  try {
    await deps.prepare?.();
    await reconcilePending(store, publishers, logger, runId);
    // Stryker disable next-line StringLiteral: only the fault tests name a failpoint, and they kill the built CLI in a child process (tests/cli/kill.test.ts, tests/networks/kill.test.ts)
    failpoint("after-reconcile");
    // Budgets first: when every one is used up the run is skipped, whatever the candidates would say.
    // Each publisher over its budget, in the run's order, with why.
    const overBudget = new Map<Publisher, string>();
    for (const publisher of publishers) {
      const used = await budgetUsedUp(config, store, publisher, now());
      if (used !== null) overBudget.set(publisher, used);
    }
    const due = publishers.filter((p) => !overBudget.has(p));
    let decided: Decided;
    try {
      decided = await decide(config, deps, asOf, from, result);
    } catch (err) {
      if (due.length > 0 || !(err instanceof NothingToPostError)) throw err;
      return settle(
        result,
        [...overBudget].map(([p, why]) => skipped(p, null, why)),
      );
    }
    const { decision, targets } = decided;
    const posts = [...overBudget].map(([p, why]) => skipped(p, targets.get(p.name) ?? null, why));
    if (due.length === 0) return settle(decided.result, posts);

    const chart = await buildChart(deps, decision, from, asOf, decided.result.warnings, logger);
    const context = { store, lease, runId, leaseMs: config.lockLeaseMs, now, logger };
    let leaseLost = false;
    for (const publisher of due) {
      const target = targets.get(publisher.name) ?? null;
      if (leaseLost) {
        posts.push(skipped(publisher, target, "not attempted: this run lost its lock lease"));
        continue;
      }
      const post = { pair: decision.pair, text: decision.text, chart, target };
      const published = await publishOne(publisher, post, context);
      posts.push(published.outcome);
      decided.result.warnings.push(...published.warnings);
      leaseLost = published.leaseLost;
    }
    return settle(decided.result, inPublisherOrder(posts, publishers));
  } finally {
    lease.stop();
    // A lock that cannot be released expires with its lease; it must not turn a recorded post into an error.
    await store.releaseLock(runId).catch((err: unknown) => {
      logger.warn({ err: (err as Error).message }, "could not release the lock; it expires with its lease");
    });
  }
}

interface Decided {
  result: RunResult;
  decision: Plan;
  /** Each publisher's reply target for the chosen pair (null: a new thread). */
  targets: Map<string, ReplyTarget | null>;
}

/** Snapshot, staleness, plan: what a dry run shows and what a real run posts. */
async function decide(
  config: Config,
  deps: CycleDeps,
  asOf: Date,
  from: Date,
  result: RunResult,
): Promise<Decided> {
  const { store, publishers, logger } = deps;
  const snapshot = await store.snapshot({
    granularity: config.granularity,
    from,
    to: asOf,
    priorWindows: config.anomalies.enabled ? PRIOR_WINDOWS : 0,
  });
  result.skippedCandles = snapshot.skippedCandles;
  if (snapshot.skippedCandles > 0) {
    logger.warn({ skippedCandles: snapshot.skippedCandles }, "skipped candles with invalid values");
  }
  guardStaleness(snapshot, config, asOf, store);

  // Per publisher: the pairs' post states (its own thread tips) and the limit its text must fit.
  const networks = await Promise.all(
    publishers.map(async (p) => ({
      network: p.name,
      states: await store.postStates(p.name),
      limit: await p.textLimit(),
    })),
  );
  let decision: Plan;
  try {
    // Which pair, and whether its text was just posted, count every publisher's posts: any one's states do.
    // Stryker disable next-line OptionalChaining,ArrayDeclaration: a run has at least one publisher (CycleDeps.publishers); the fallback only satisfies the index type
    decision = plan(snapshot, networks[0]?.states ?? [], {
      rankBy: config.rankBy,
      top: config.top,
      venues: config.venues,
      labels: config.venueLabels,
      pair: config.pair,
      anomalies: config.anomalies,
      minVenues: config.minVenues,
      limit: allOf(networks),
    });
  } catch (err) {
    // Nothing may be posted: the run still says what it weighed and why each candidate was passed over.
    if (err instanceof NothingPostableError) {
      result.candidates = err.candidates.map(candidateJson);
      result.anomalies = err.anomalies;
      logAnomalies(logger, err.anomalies);
    }
    throw err;
  }
  logAnomalies(logger, decision.anomalies);
  const described: RunResult = { ...result, ...describePlan(decision) };
  const targets = new Map<string, ReplyTarget | null>();
  for (const { network, states } of networks) targets.set(network, replyTarget(states, decision.pair));
  described.inReplyTo = targets.get(result.publisher)?.id ?? null;
  return { result: described, decision, targets };
}

/** A dry run writes nothing: every publisher is skipped, with the thread it would continue. */
function dryRun({ result, targets }: Decided, publishers: readonly Publisher[]): RunResult {
  const posts = publishers.map((p) => skipped(p, targets.get(p.name) ?? null, "dry run"));
  return { ...result, status: "dry-run", posts };
}

/** SPEC §7: the thread tip of the pair on one publisher, with what that network needs to reply. */
function replyTarget(states: PairPostState[], pair: string): ReplyTarget | null {
  const state = states.find((s) => s.pair === pair);
  return state?.threadTip ? { id: state.threadTip, thread: state.tipThread } : null;
}

function skipped(publisher: Publisher, target: ReplyTarget | null, reason: string): PostOutcome {
  return {
    publisher: publisher.name,
    status: "skipped",
    postId: null,
    inReplyTo: target?.id ?? null,
    url: null,
    reason,
  };
}

function inPublisherOrder(posts: PostOutcome[], publishers: readonly Publisher[]): PostOutcome[] {
  const order = publishers.map((p) => p.name);
  return [...posts].sort((a, b) => order.indexOf(a.publisher) - order.indexOf(b.publisher));
}

/** SPEC §8a: the publisher's counting posts of the last 24 h against its daily budget; why it is used up, or null. */
async function budgetUsedUp(
  config: Config,
  store: Store,
  publisher: Publisher,
  now: Date,
): Promise<string | null> {
  const budget = config.maxPostsPerDay[publisher.name];
  if (budget === null) return null;
  const recent = await store.countPostsSince(publisher.name, new Date(now.getTime() - DAY_MS));
  if (recent < budget) return null;
  const posts = budget === 1 ? "post" : "posts";
  return `the daily budget of ${budget} ${posts} on ${publisher.name} is used up (${recent} in the last 24 h)`;
}

/**
 * SPEC §3 stale data: never post shares from a feed that stopped (core/freshness holds the rule). No valid
 * candle at all stops the run even with the age check off: there is nothing to post either way.
 */
function guardStaleness(snapshot: Snapshot, config: Config, asOf: Date, store: Store): void {
  const fresh = freshness(snapshot.newestCandleAt, asOf, config.granularity, config.maxDataAgeMs);
  if (fresh.state === "missing") {
    const hint =
      store.kind === "embedded"
        ? "import candles (capbot import FILE) or load the demo data (capbot demo)"
        : "check the ohlcv collection and the candles' granularity";
    throw new NothingToPostError(`There is ${fresh.detail}: ${hint}.`);
  }
  if (fresh.state === "stale") {
    throw new NothingToPostError(
      `The data is stale: ${fresh.detail}; set CAPBOT_MAX_DATA_AGE or --max-data-age to change the limit.`,
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
