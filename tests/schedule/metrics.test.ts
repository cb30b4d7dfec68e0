// /metrics and /healthz of `capbot schedule`, scraped over HTTP on 127.0.0.1.

import { afterEach, describe, expect, it } from "vitest";
import { createMetrics, type Metrics, type MetricsServer, serveMetrics } from "../../src/metrics.js";
import type { RunStatus } from "../../src/result.js";
import type { RunOutcome } from "../../src/schedule/scheduler.js";
import { runResult } from "../report/fixtures.js";
import { captureLogger } from "./capture.js";

const T0 = new Date("2026-03-02T12:00:00.000Z");
let server: MetricsServer | null = null;

afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(metrics: Metrics): Promise<(path: string) => Promise<Response>> {
  const listen = { port: 0, host: "127.0.0.1", portSetting: "--metrics-port", hostSetting: "--metrics-host" };
  server = await serveMetrics(metrics, listen, captureLogger().logger);
  const port = server.port;
  return (path) => fetch(`http://127.0.0.1:${port}${path}`);
}

function outcome(status: RunStatus, overrides: Partial<RunOutcome> = {}): RunOutcome {
  return {
    status,
    result: runResult({
      status,
      publisher: "local",
      posts:
        status === "posted"
          ? [{ publisher: "local", status: "posted", postId: "p-1", inReplyTo: null, url: null }]
          : [],
      skippedCandles: 7,
      exitCode: status === "error" ? 5 : 0,
    }),
    durationSeconds: 1.5,
    finishedAt: T0,
    ...overrides,
  };
}

/** The value of one sample line, e.g. `capbot_posts_total{publisher="local"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  it("starts with every run status at 0 and no seconds-since-last-post sample", async () => {
    const get = await serve(
      await createMetrics({ publishers: ["local"], healthMaxFailures: 3, lockLeaseMs: 600_000 }),
    );
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const status of ["posted", "partial", "dry-run", "skipped", "error"]) {
      expect(sample(text, `capbot_runs_total{status="${status}"}`)).toBe(0);
    }
    expect(sample(text, 'capbot_posts_total{publisher="local"}')).toBe(0);
    expect(text).toContain("# TYPE capbot_seconds_since_last_post gauge");
    expect(text).not.toMatch(/^capbot_seconds_since_last_post\{/m);
    expect(text).not.toMatch(/NaN/);
  });

  it("§3a counts the anomaly guard's exclusions and holds by kind, from 0", async () => {
    const metrics = await createMetrics({
      publishers: ["local"],
      healthMaxFailures: 3,
      lockLeaseMs: 600_000,
    });
    const get = await serve(metrics);
    const before = await (await get("/metrics")).text();
    expect(sample(before, 'capbot_anomalies_total{kind="price-outlier",action="excluded"}')).toBe(0);
    expect(sample(before, 'capbot_anomalies_total{kind="volume-spike",action="held"}')).toBe(0);

    const outlier = {
      pair: "BTC-USDT",
      venue: "v1",
      kind: "price-outlier",
      action: "excluded",
      detail: "d",
    } as const;
    const spike = {
      pair: "ETH-USDT",
      venue: "v2",
      kind: "volume-spike",
      action: "held",
      detail: "d",
    } as const;
    const anomalies = [outlier, { ...outlier, venue: "v3" }, spike];
    metrics.record(outcome("posted", { result: runResult({ status: "posted", anomalies }) }));
    metrics.record(outcome("dry-run", { result: runResult({ status: "dry-run", anomalies: [spike] }) }));

    const after = await (await get("/metrics")).text();
    expect(sample(after, 'capbot_anomalies_total{kind="price-outlier",action="excluded"}')).toBe(2);
    expect(sample(after, 'capbot_anomalies_total{kind="volume-spike",action="held"}')).toBe(2);
  });

  it("counts runs by status and posts by publisher, and times the runs", async () => {
    let now = T0;
    const metrics = await createMetrics({
      publishers: ["local"],
      healthMaxFailures: 3,
      lockLeaseMs: 600_000,
      now: () => now,
    });
    const get = await serve(metrics);
    metrics.record(outcome("posted"));
    metrics.record(outcome("skipped", { result: runResult({ status: "skipped", skippedCandles: 0 }) }));
    metrics.record(outcome("error", { durationSeconds: 0.05 }));
    now = new Date(T0.getTime() + 90_000);

    const text = await (await get("/metrics")).text();
    expect(sample(text, 'capbot_runs_total{status="posted"}')).toBe(1);
    expect(sample(text, 'capbot_runs_total{status="skipped"}')).toBe(1);
    expect(sample(text, 'capbot_runs_total{status="error"}')).toBe(1);
    expect(sample(text, 'capbot_posts_total{publisher="local"}')).toBe(1);
    expect(sample(text, "capbot_run_duration_seconds_count")).toBe(3);
    expect(sample(text, "capbot_run_duration_seconds_sum")).toBeCloseTo(3.05);
    expect(sample(text, 'capbot_run_duration_seconds_bucket{le="0.1"}')).toBe(1);
    expect(sample(text, 'capbot_seconds_since_last_post{publisher="local"}')).toBe(90);
    // The skipped run did not read candles: the gauge keeps the posted run's count.
    expect(sample(text, "capbot_skipped_candles")).toBe(7);
  });

  it("knows the last post from before the process started", async () => {
    const now = new Date(T0.getTime() + 3_600_000);
    const get = await serve(
      await createMetrics({
        publishers: ["x"],
        healthMaxFailures: 3,
        lockLeaseMs: 600_000,
        lastPostAt: new Map([["x", T0]]),
        now: () => now,
      }),
    );
    const text = await (await get("/metrics")).text();
    expect(sample(text, 'capbot_seconds_since_last_post{publisher="x"}')).toBe(3600);
  });

  it("answers 404 elsewhere", async () => {
    const get = await serve(
      await createMetrics({ publishers: ["local"], healthMaxFailures: 3, lockLeaseMs: 600_000 }),
    );
    expect((await get("/")).status).toBe(404);
  });
});

describe("/healthz", () => {
  it("is 200 before any run", async () => {
    const get = await serve(
      await createMetrics({ publishers: ["local"], healthMaxFailures: 3, lockLeaseMs: 600_000 }),
    );
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", consecutiveFailures: 0, lastRun: null });
  });

  it("is 503 after N failed runs in a row, and 200 again after a success", async () => {
    const metrics = await createMetrics({
      publishers: ["local"],
      healthMaxFailures: 3,
      lockLeaseMs: 600_000,
    });
    const get = await serve(metrics);
    metrics.record(outcome("error"));
    metrics.record(outcome("error"));
    expect((await get("/healthz")).status).toBe(200);

    metrics.record(outcome("error"));
    const failing = await get("/healthz");
    expect(failing.status).toBe(503);
    expect(await failing.json()).toEqual({
      status: "failing",
      consecutiveFailures: 3,
      maxFailures: 3,
      skippedForLockSince: null,
      lastRun: { status: "error", exitCode: 5, finishedAt: T0.toISOString() },
      lastPostAt: null,
    });

    metrics.record(outcome("skipped"));
    expect((await get("/healthz")).status).toBe(200);
  });

  it("§8a is 503 once runs have been skipped for the lock for longer than two leases, 200 again after a run", async () => {
    let now = T0;
    const metrics = await createMetrics({
      publishers: ["local"],
      healthMaxFailures: 3,
      lockLeaseMs: 600_000,
      now: () => now,
    });
    const get = await serve(metrics);
    const lockedOut = (at: Date): RunOutcome => ({
      ...outcome("skipped", { finishedAt: at }),
      result: runResult({ status: "skipped", skippedFor: "lock", posts: [] }),
    });
    metrics.record(lockedOut(T0));
    now = new Date(T0.getTime() + 20 * 60_000);
    metrics.record(lockedOut(now));
    expect((await get("/healthz")).status).toBe(200);
    now = new Date(T0.getTime() + 20 * 60_000 + 1);
    const stuck = await get("/healthz");
    expect(stuck.status).toBe(503);
    expect(await stuck.json()).toMatchObject({ status: "locked-out", skippedForLockSince: T0.toISOString() });
    // A run skipped for its budget is not locked out.
    metrics.record({
      ...outcome("skipped"),
      result: runResult({ status: "skipped", skippedFor: "budget", posts: [] }),
    });
    expect((await get("/healthz")).status).toBe(200);
  });

  it("counts dry runs and skipped runs as successes", async () => {
    const metrics = await createMetrics({
      publishers: ["local"],
      healthMaxFailures: 1,
      lockLeaseMs: 600_000,
    });
    const get = await serve(metrics);
    metrics.record(outcome("error"));
    expect((await get("/healthz")).status).toBe(503);
    metrics.record(outcome("dry-run"));
    expect((await get("/healthz")).status).toBe(200);
  });
});
