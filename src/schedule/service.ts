// `capbot schedule` as a long-running service: the schedule, the optional metrics server and operator's
// page, and the shutdown signals wired together. Resolves once stopped cleanly; the shell then exits 0.

import { openStore } from "../adapters.js";
import type { Config } from "../config.js";
import type { PublisherName } from "../core/types.js";
import type { Listening } from "../http/listen.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { RunResult } from "../result.js";
import { startSchedule } from "./scheduler.js";
import type { ScheduleSettings } from "./settings.js";
import type { ShutdownSignal } from "./signals.js";

interface ServiceDeps {
  runOnce: () => Promise<RunResult>;
  logger: Logger;
  shutdown: ShutdownSignal;
}

export async function runScheduleService(
  config: Config,
  settings: ScheduleSettings,
  deps: ServiceDeps,
): Promise<void> {
  const { logger, shutdown } = deps;
  let metrics: Metrics | null = null;
  const servers: Listening[] = [];
  try {
    // The page's /healthz is the schedule's own: it needs the metrics even without /metrics.
    if (settings.metrics !== null || settings.page !== null) {
      const { createMetrics } = await import("../metrics.js");
      metrics = await createMetrics({
        publishers: config.publishers,
        healthMaxFailures: settings.healthMaxFailures,
        lockLeaseMs: config.lockLeaseMs,
        lastPostAt: await lastPostAt(config, logger),
      });
    }
    if (metrics !== null && settings.metrics !== null) {
      const { serveMetrics } = await import("../metrics.js");
      servers.push(await serveMetrics(metrics, settings.metrics, logger));
    }
    if (metrics !== null && settings.page !== null) {
      const { servePage } = await import("../web/server.js");
      const own = metrics;
      servers.push(await servePage({ config, logger, health: async () => own.health() }, settings.page));
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }

  const schedule = startSchedule({
    cron: settings.cron,
    runOnce: deps.runOnce,
    logger,
    onResult: (outcome) => metrics?.record(outcome),
  });
  try {
    await shutdown.received;
    await schedule.stop();
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    shutdown.dispose();
  }
}

/**
 * Each publisher's last successful post before this process started, so that
 * capbot_seconds_since_last_post means the same after a restart. Best effort: without it the series
 * only appears after the first post.
 */
async function lastPostAt(config: Config, logger: Logger): Promise<Map<PublisherName, Date>> {
  const out = new Map<PublisherName, Date>();
  try {
    const store = await openStore(config, { readonly: true });
    try {
      for (const post of await store.history({ limit: 100 })) {
        const publisher = post.publisher as PublisherName;
        if (!config.publishers.includes(publisher) || out.has(publisher)) continue;
        if (post.status === "posted" || post.status === null) out.set(publisher, post.time);
      }
    } finally {
      await store.close();
    }
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      "could not read the last post times; the metric starts empty",
    );
  }
  return out;
}
