// `capbot schedule`: runs `run` on a cron schedule until SIGTERM or SIGINT, optionally serving
// /metrics and /healthz, and the operator's page. The loop itself lives in src/schedule/.

import type { Command } from "commander";
import { DEFAULT_CRON } from "../../schedule/defaults.js";
import { addRunFlags } from "../flags.js";

export function register(program: Command): void {
  addRunFlags(
    program
      .command("schedule")
      .description("run `run` on a schedule until stopped; SIGTERM/SIGINT let the run in progress finish")
      .option(
        "--cron <expr>",
        `when to run, in UTC: 5 fields, or 6 with seconds first (default "${DEFAULT_CRON}"; CAPBOT_CRON)`,
      )
      .option("--metrics-port <port>", "serve /metrics and /healthz on this port (CAPBOT_METRICS_PORT)")
      .option(
        "--metrics-host <host>",
        "the address to serve them on (default 127.0.0.1; CAPBOT_METRICS_HOST)",
      )
      .option(
        "--health-max-failures <n>",
        "/healthz answers 503 after this many failed runs in a row (default 3; CAPBOT_HEALTH_MAX_FAILURES)",
      )
      .option("--serve-port <port>", "serve the operator's page on this port (CAPBOT_SERVE_PORT)")
      .option(
        "--serve-host <host>",
        "the address to serve it on (default 127.0.0.1; any other needs CAPBOT_SERVE_TOKEN; CAPBOT_SERVE_HOST)",
      )
      .option("--dry-run", "compose each post without publishing or writing anything"),
    // No --as-of: a fixed instant would have every tick post about the same window.
    { asOf: false },
  ).action(async (_opts, command: Command) =>
    (await import("../actions/schedule.js")).schedule(_opts, command),
  );
}
