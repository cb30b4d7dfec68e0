// Metrics and health for `capbot schedule`: a prom-client registry of its own (never the global one)
// served with /healthz over node:http. prom-client loads lazily: only `schedule --metrics-port` pays
// for it.

import type { RequestListener } from "node:http";
import type { Anomaly, PublisherName } from "./core/types.js";
import { type Health, type HealthFacts, judgeHealth } from "./health.js";
import { type Listening, type ListenOptions, listen } from "./http/listen.js";
import type { Logger } from "./log.js";
import type { RunStatus } from "./result.js";
import type { RunOutcome } from "./schedule/scheduler.js";

const RUN_STATUSES: readonly RunStatus[] = ["posted", "partial", "dry-run", "skipped", "error"];
const ANOMALY_KINDS: readonly (readonly [Anomaly["kind"], Anomaly["action"]])[] = [
  ["price-outlier", "excluded"],
  ["volume-spike", "held"],
];

interface MetricsOptions {
  publishers: readonly PublisherName[];
  /** /healthz answers 503 once this many runs in a row have failed. */
  healthMaxFailures: number;
  /** /healthz answers 503 once runs have been skipped for the lock for longer than two leases (SPEC §8a). */
  lockLeaseMs: number;
  /** Each publisher's last successful post before this process started, from the store's history. */
  lastPostAt?: ReadonlyMap<PublisherName, Date>;
  now?: () => Date;
}

export interface Metrics {
  record(outcome: RunOutcome): void;
  health(): Health;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export async function createMetrics(options: MetricsOptions): Promise<Metrics> {
  const prom = await import("prom-client");
  const now = options.now ?? (() => new Date());
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry });

  const lastPost = new Map<string, Date>(options.lastPostAt ?? []);
  let consecutiveFailures = 0;
  let skippedForLockSince: Date | null = null;
  let lastRun: HealthFacts["lastRun"] = null;

  const runs = new prom.Counter({
    name: "capbot_runs_total",
    help: "Posting cycles run by this process, by outcome.",
    labelNames: ["status"],
    registers: [registry],
  });
  for (const status of RUN_STATUSES) runs.inc({ status }, 0);

  const posts = new prom.Counter({
    name: "capbot_posts_total",
    help: "Posts published by this process, by publisher.",
    labelNames: ["publisher"],
    registers: [registry],
  });
  for (const publisher of options.publishers) posts.inc({ publisher }, 0);

  const duration = new prom.Histogram({
    name: "capbot_run_duration_seconds",
    help: "Duration of one posting cycle.",
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });

  // Labelled so that the series is simply absent until a post is known, instead of a made-up value.
  new prom.Gauge({
    name: "capbot_seconds_since_last_post",
    help: "Seconds since the last successful post, by publisher; absent until one is known.",
    labelNames: ["publisher"],
    registers: [registry],
    collect() {
      const at = now().getTime();
      for (const [publisher, time] of lastPost)
        this.set({ publisher }, Math.max(0, (at - time.getTime()) / 1000));
    },
  });

  const skipped = new prom.Gauge({
    name: "capbot_skipped_candles",
    help: "Invalid candles skipped by the last run that read the candles (posted or dry-run).",
    registers: [registry],
  });

  // SPEC §3a: each exclusion and hold the guard made, by kind; zero until one is seen.
  const anomalies = new prom.Counter({
    name: "capbot_anomalies_total",
    help: "Venues the anomaly guard excluded (price-outlier) or held a pair for (volume-spike), by kind.",
    labelNames: ["kind", "action"],
    registers: [registry],
  });
  for (const [kind, action] of ANOMALY_KINDS) anomalies.inc({ kind, action }, 0);

  return {
    record(outcome) {
      runs.inc({ status: outcome.status });
      for (const a of outcome.result?.anomalies ?? []) anomalies.inc({ kind: a.kind, action: a.action });
      duration.observe(outcome.durationSeconds);
      const result = outcome.result;
      for (const post of result?.posts ?? []) {
        if (post.status !== "posted") continue;
        posts.inc({ publisher: post.publisher });
        lastPost.set(post.publisher, outcome.finishedAt);
      }
      if (result && result.status !== "skipped" && result.status !== "error")
        skipped.set(result.skippedCandles);
      consecutiveFailures = outcome.status === "error" ? consecutiveFailures + 1 : 0;
      const lockedOut = outcome.status === "skipped" && result?.skippedFor === "lock";
      skippedForLockSince = lockedOut ? (skippedForLockSince ?? outcome.finishedAt) : null;
      lastRun = {
        status: outcome.status,
        exitCode: result?.exitCode ?? null,
        finishedAt: outcome.finishedAt,
      };
    },
    health() {
      const latest = [...lastPost.values()].sort((a, b) => b.getTime() - a.getTime())[0];
      return judgeHealth(
        { consecutiveFailures, skippedForLockSince, lastRun, lastPostAt: latest ?? null },
        { maxFailures: options.healthMaxFailures, lockLeaseMs: options.lockLeaseMs },
        now(),
      );
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type MetricsServer = Listening;

/** Serves GET /metrics and GET /healthz; anything else is 404. Bounded as every capbot server is. */
export async function serveMetrics(
  metrics: Metrics,
  options: ListenOptions,
  logger: Logger,
): Promise<MetricsServer> {
  const handler: RequestListener = (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      const { ok, body } = metrics.health();
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (path === "/metrics") {
      metrics.render().then(
        ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
        (err: unknown) => {
          logger.error({ err }, "rendering /metrics failed");
          res.writeHead(500).end();
        },
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("capbot serves /metrics and /healthz\n");
  };
  const server = await listen(handler, options, logger);
  logger.info({ port: server.port, host: options.host }, "serving /metrics and /healthz");
  return server;
}
