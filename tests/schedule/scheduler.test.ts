// The schedule loop, driven by a fake clock and a fake posting cycle: one run per tick, never two at
// once, failures do not stop it, stop() waits for the run in flight.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../src/errors.js";
import type { RunResult } from "../../src/result.js";
import { type RunOutcome, startSchedule, validateCron } from "../../src/schedule/scheduler.js";
import { runResult } from "../report/fixtures.js";
import { captureLogger } from "./capture.js";

const EVERY_SECOND = "*/1 * * * * *";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("schedule loop", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-03-02T12:00:00.400Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once per tick", async () => {
    const { logger } = captureLogger();
    const runOnce = vi.fn(async () => runResult());
    const schedule = startSchedule({ cron: EVERY_SECOND, runOnce, logger });
    await vi.advanceTimersByTimeAsync(5_000);
    await schedule.stop();
    expect(runOnce).toHaveBeenCalledTimes(5);
  });

  it("never runs two cycles at once, even when a run outlasts the tick", async () => {
    const { logger, messages } = captureLogger();
    let active = 0;
    let maxActive = 0;
    const runOnce = vi.fn(async (): Promise<RunResult> => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 2_500));
      active -= 1;
      return runResult();
    });
    const schedule = startSchedule({ cron: EVERY_SECOND, runOnce, logger });
    await vi.advanceTimersByTimeAsync(10_000);
    const stopping = schedule.stop();
    await vi.advanceTimersByTimeAsync(2_500);
    await stopping;
    expect(maxActive).toBe(1);
    expect(runOnce.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(runOnce.mock.calls.length).toBeLessThan(10);
    expect(messages()).toContain("tick skipped: the previous run is still in progress");
  });

  it("goes on after a run that failed or threw", async () => {
    const { logger } = captureLogger();
    const outcomes: RunOutcome[] = [];
    let call = 0;
    const runOnce = async (): Promise<RunResult> => {
      call += 1;
      if (call === 1) throw new Error("the runner broke its promise");
      if (call === 2) return runResult({ status: "error", error: "store unreachable", exitCode: 5 });
      return runResult();
    };
    const schedule = startSchedule({
      cron: EVERY_SECOND,
      runOnce,
      logger,
      onResult: (o) => outcomes.push(o),
    });
    await vi.advanceTimersByTimeAsync(3_000);
    await schedule.stop();
    expect(outcomes.map((o) => o.status)).toEqual(["error", "error", "posted"]);
    expect(outcomes[0]?.result).toBeNull();
    expect(outcomes[1]?.result?.exitCode).toBe(5);
  });

  it("stop() waits for the run in flight, then schedules nothing more", async () => {
    const { logger } = captureLogger();
    const gate = deferred();
    const runOnce = vi.fn(async (): Promise<RunResult> => {
      await gate.promise;
      return runResult();
    });
    const outcomes: RunOutcome[] = [];
    const schedule = startSchedule({
      cron: EVERY_SECOND,
      runOnce,
      logger,
      onResult: (o) => outcomes.push(o),
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runOnce).toHaveBeenCalledTimes(1);

    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(stopped).toBe(false);
    expect(schedule.nextRun()).toBeNull();

    gate.resolve();
    await stopping;
    expect(stopped).toBe(true);
    expect(outcomes.map((o) => o.status)).toEqual(["posted"]);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(runOnce).toHaveBeenCalledTimes(1);
  });

  it("ticks in UTC: the default hourly cron fires at minute 0", async () => {
    const { logger } = captureLogger();
    const schedule = startSchedule({ cron: "0 * * * *", runOnce: async () => runResult(), logger });
    expect(schedule.nextRun()?.toISOString()).toBe("2026-03-02T13:00:00.000Z");
    await schedule.stop();
  });
});

describe("cron expressions", () => {
  it("accepts 5 fields, and 6 with seconds first", () => {
    expect(validateCron(" 0 * * * * ")).toBe("0 * * * *");
    expect(validateCron("*/10 * * * * *")).toBe("*/10 * * * * *");
    expect(validateCron("@hourly")).toBe("@hourly");
  });

  it("refuses anything else with a ConfigError naming --cron", () => {
    for (const bad of ["every hour", "* * * *", "0 0 * * * * 2030", "61 * * * *", "@reboot", "@often"]) {
      expect(() => validateCron(bad)).toThrow(ConfigError);
      expect(() => validateCron(bad)).toThrow(/^--cron must be a cron expression/);
    }
  });

  it("never quotes the value, nor croner's message that does", () => {
    for (const bad of ["SEKRITbanana", "SEKRITbanana * * * *", "0 SEKRITbanana * * * *", "61 * * * *"]) {
      const message = (() => {
        try {
          validateCron(bad);
          return "accepted";
        } catch (err) {
          return (err as Error).message;
        }
      })();
      expect(message).toMatch(/^--cron must be a cron expression/);
      expect(message).not.toContain("SEKRIT");
      expect(message).not.toContain("61");
    }
  });

  it("a cron that never fires is a ConfigError, not a schedule that waits forever", () => {
    for (const never of ["0 0 30 2 *", "0 0 31 4 *", "0 0 0 31 11 *"]) {
      expect(() => validateCron(never)).toThrow(ConfigError);
      expect(() => validateCron(never)).toThrow(/^--cron never fires: no date matches it/);
    }
  });
});
