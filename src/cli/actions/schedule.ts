// What `capbot schedule` does: runs `run` on a cron schedule until SIGTERM or SIGINT, optionally serving
// /metrics and /healthz, and the operator's page. The loop itself lives in src/schedule/.

import type { Command } from "commander";
import { exitCodeOf } from "../../errors.js";
import { runOnce } from "../../runner.js";
import { runScheduleService } from "../../schedule/service.js";
import { type ScheduleSettings, scheduleSettings } from "../../schedule/settings.js";
import { onShutdownSignal } from "../../schedule/signals.js";
import { requireTokenFor } from "../../web/access.js";
import { contextOf, reportConfigError } from "../context.js";

export async function schedule(_opts: unknown, command: Command): Promise<void> {
  let ctx: ReturnType<typeof contextOf>;
  let settings: ScheduleSettings;
  try {
    settings = scheduleSettings(command.opts(), process.env);
    ctx = contextOf(command);
    if (settings.page !== null) {
      requireTokenFor(settings.page.host, ctx.config.serve.token, settings.page.hostSetting);
    }
  } catch (err) {
    reportConfigError(err, false);
    return;
  }
  const { config, logger } = ctx;
  const shutdown = onShutdownSignal(logger);
  try {
    await runScheduleService(config, settings, {
      runOnce: () => runOnce(config, logger),
      logger,
      shutdown,
    });
  } catch (err) {
    // The metrics server or the page could not start (port in use): nothing was scheduled.
    shutdown.dispose();
    process.stderr.write(`capbot: ${(err as Error).message}\n`);
    process.exitCode = exitCodeOf(err);
    return;
  }
  process.exitCode = 0;
  // Stopped cleanly; a socket a driver keeps open must not hold the process until systemd kills it.
  setTimeout(() => process.exit(0), 5_000).unref();
}
