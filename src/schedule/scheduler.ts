// The schedule loop of `capbot schedule`: one posting cycle per cron tick, never two at once, and a
// stop that lets the cycle in flight finish. Independent of commander, signals and metrics, so that
// a test can drive it with a fake cycle.

import { Cron } from "croner";
import { ConfigError } from "../errors.js";
import type { Logger } from "../log.js";
import type { RunResult, RunStatus } from "../result.js";
import { DEFAULT_CRON } from "./defaults.js";

/** What one tick did, for the metrics: the result, or null when the cycle broke its promise and threw. */
export interface RunOutcome {
  status: RunStatus;
  result: RunResult | null;
  durationSeconds: number;
  finishedAt: Date;
}

interface ScheduleOptions {
  cron: string;
  /** One posting cycle; expected never to throw (the runner turns errors into status "error"). */
  runOnce: () => Promise<RunResult>;
  logger: Logger;
  onResult?: (outcome: RunOutcome) => void;
}

interface Schedule {
  /** The next tick, or null once stopped. */
  nextRun(): Date | null;
  /** Stops scheduling and resolves once the run in flight, if any, has finished. */
  stop(): Promise<void>;
}

// The bot speaks UTC everywhere (as-of, windows, GitHub Actions' cron), so ticks do too, whatever
// the host's zone.
const CRON_OPTIONS = { mode: "5-or-6-parts", timezone: "Etc/UTC" } as const;

/**
 * Throws ConfigError naming --cron when the expression is not 5 or 6 fields croner understands, or when
 * it never fires (`0 0 30 2 *`: February has no 30th). The message never quotes the value, nor croner's
 * message, which does: a secret pasted into the wrong setting must not reach a log.
 */
export function validateCron(expression: string): string {
  const cron = expression.trim();
  const usage = `--cron must be a cron expression of 5 fields, or 6 with seconds first, like "${DEFAULT_CRON}"`;
  const fields = cron.split(/\s+/).length;
  // Nicknames (@hourly, @daily) are one field that croner expands to five.
  if (!cron.startsWith("@") && fields !== 5 && fields !== 6)
    throw new ConfigError(`${usage}; it has ${fields} field${fields === 1 ? "" : "s"}.`);
  let next: Date | null;
  try {
    const job = new Cron(cron, { ...CRON_OPTIONS, paused: true });
    next = job.nextRun();
    job.stop();
  } catch {
    throw new ConfigError(`${usage}; a field holds a value croner does not accept.`);
  }
  if (next === null) {
    throw new ConfigError(
      "--cron never fires: no date matches it (like the 30th of February); choose days that exist.",
    );
  }
  return cron;
}

export function startSchedule(options: ScheduleOptions): Schedule {
  const { logger } = options;
  const cron = validateCron(options.cron);
  let inFlight: Promise<void> | null = null;

  const tick = async (): Promise<void> => {
    const started = performance.now();
    let result: RunResult | null = null;
    try {
      result = await options.runOnce();
    } catch (err) {
      logger.error({ err }, "the run failed unexpectedly; the schedule goes on");
    }
    const outcome: RunOutcome = {
      status: result?.status ?? "error",
      result,
      durationSeconds: (performance.now() - started) / 1000,
      finishedAt: new Date(),
    };
    // The runner has logged the failure itself; say that it did not stop the schedule.
    if (outcome.status === "error")
      logger.info({ next: job.nextRun()?.toISOString() ?? null }, "the schedule goes on");
    options.onResult?.(outcome);
  };

  const job = new Cron(cron, {
    ...CRON_OPTIONS,
    // croner skips a tick while the previous one is still running; the runner's lease lock guards
    // against other processes.
    protect: () => logger.warn({ cron }, "tick skipped: the previous run is still in progress"),
    catch: (err: unknown) => logger.error({ err }, "scheduled tick failed"),
  });
  job.schedule(() => {
    inFlight = tick().finally(() => {
      inFlight = null;
    });
    return inFlight;
  });

  logger.info({ cron, timezone: "UTC", next: job.nextRun()?.toISOString() ?? null }, "schedule started");

  return {
    nextRun: () => job.nextRun(),
    async stop() {
      job.stop();
      if (inFlight) {
        logger.info("stopping: waiting for the run in progress to finish");
        await inFlight;
      }
      logger.info("schedule stopped");
    },
  };
}
