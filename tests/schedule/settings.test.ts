// The settings only `capbot schedule` has, and its shutdown on signals.

import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { scheduleSettings } from "../../src/schedule/settings.js";
import { onShutdownSignal, type SignalSource } from "../../src/schedule/signals.js";
import { captureLogger } from "./capture.js";

describe("schedule settings", () => {
  it("defaults: hourly at minute 0, no metrics server, no page, unhealthy after 3 failures", () => {
    expect(scheduleSettings({}, {})).toEqual({
      cron: "0 * * * *",
      metrics: null,
      page: null,
      healthMaxFailures: 3,
    });
  });

  it("the page is served with --serve-port or CAPBOT_SERVE_PORT, on 127.0.0.1 unless a host is given", () => {
    expect(scheduleSettings({ servePort: "8080" }, {}).page).toEqual({
      port: 8080,
      host: "127.0.0.1",
      portSetting: "--serve-port",
      hostSetting: "--serve-host",
    });
    expect(scheduleSettings({}, { CAPBOT_SERVE_PORT: "8081", CAPBOT_SERVE_HOST: "::1" }).page).toEqual({
      port: 8081,
      host: "::1",
      portSetting: "CAPBOT_SERVE_PORT",
      hostSetting: "CAPBOT_SERVE_HOST",
    });
  });

  it("the metrics server listens on 127.0.0.1 unless a host is given, and knows which settings chose it", () => {
    expect(scheduleSettings({ metricsPort: "9464" }, {}).metrics).toEqual({
      port: 9464,
      host: "127.0.0.1",
      portSetting: "--metrics-port",
      hostSetting: "--metrics-host",
    });
    expect(
      scheduleSettings({}, { CAPBOT_METRICS_PORT: "9464", CAPBOT_METRICS_HOST: "0.0.0.0" }).metrics,
    ).toEqual({
      port: 9464,
      host: "0.0.0.0",
      portSetting: "CAPBOT_METRICS_PORT",
      hostSetting: "CAPBOT_METRICS_HOST",
    });
  });

  it("flags win over the environment", () => {
    const env = { CAPBOT_CRON: "30 * * * *", CAPBOT_METRICS_PORT: "9464", CAPBOT_HEALTH_MAX_FAILURES: "5" };
    expect(scheduleSettings({}, env)).toMatchObject({
      cron: "30 * * * *",
      metrics: { port: 9464 },
      healthMaxFailures: 5,
    });
    expect(scheduleSettings({ cron: "*/1 * * * * *", metricsPort: "0" }, env)).toMatchObject({
      cron: "*/1 * * * * *",
      metrics: { port: 0 },
    });
  });

  it("an empty variable counts as unset", () => {
    expect(scheduleSettings({}, { CAPBOT_METRICS_PORT: "", CAPBOT_CRON: " " })).toMatchObject({
      cron: "0 * * * *",
      metrics: null,
    });
  });

  it("a bad value is a ConfigError that names where it was set", () => {
    const cases: [Record<string, unknown>, NodeJS.ProcessEnv, RegExp][] = [
      [{ metricsPort: "http" }, {}, /^--metrics-port must be a whole number from 0 to 65535\.$/],
      [{}, { CAPBOT_METRICS_PORT: "70000" }, /^CAPBOT_METRICS_PORT must be/],
      [{}, { CAPBOT_HEALTH_MAX_FAILURES: "0" }, /^CAPBOT_HEALTH_MAX_FAILURES must be a whole number from 1/],
      [{}, { CAPBOT_CRON: "hourly" }, /^CAPBOT_CRON must be a cron expression/],
      [{ cron: "* * *" }, {}, /^--cron must be a cron expression/],
    ];
    for (const [flags, env, message] of cases) {
      expect(() => scheduleSettings(flags, env)).toThrow(ConfigError);
      expect(() => scheduleSettings(flags, env)).toThrow(message);
    }
  });
});

describe("shutdown signals", () => {
  function source(): SignalSource & {
    emit(signal: string, ...args: unknown[]): boolean;
    listenerCount(s: string): number;
  } {
    return new EventEmitter() as unknown as SignalSource & {
      emit(signal: string, ...args: unknown[]): boolean;
      listenerCount(s: string): number;
    };
  }

  it("the first SIGTERM or SIGINT asks for a graceful stop", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const emitter = source();
      const exits: number[] = [];
      const shutdown = onShutdownSignal(captureLogger().logger, emitter, (c) => exits.push(c));
      emitter.emit(signal, signal);
      await expect(shutdown.received).resolves.toBe(signal);
      expect(exits).toEqual([]);
      shutdown.dispose();
      expect(emitter.listenerCount(signal)).toBe(0);
    }
  });

  it("a second signal exits at once", () => {
    const emitter = source();
    const exits: number[] = [];
    const { logger, messages } = captureLogger();
    onShutdownSignal(logger, emitter, (c) => exits.push(c));
    emitter.emit("SIGINT", "SIGINT");
    emitter.emit("SIGINT", "SIGINT");
    expect(exits).toEqual([1]);
    expect(messages()).toContain("second signal: exiting without waiting for the run in progress");
  });
});
