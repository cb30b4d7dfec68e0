// `capbot serve`: the operator's read-only page — the next post and why, the candidates, the anomalies,
// the threads, the runs and health — with /api/status, /chart/next.png and /healthz.

import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("serve")
    .description(
      "serve the operator's read-only page: the next post and why, candidates, threads, runs, health",
    )
    .option("--port <port>", "the port to listen on (default 8080; CAPBOT_SERVE_PORT)")
    .option(
      "--host <host>",
      "the address to listen on (default 127.0.0.1; any other needs CAPBOT_SERVE_TOKEN; CAPBOT_SERVE_HOST)",
    )
    .option(
      "--health-max-failures <n>",
      "/healthz answers 503 after this many failed runs in a row (default 3; CAPBOT_HEALTH_MAX_FAILURES)",
    )
    .option(
      "--as-of <iso>",
      "show the page as of this instant instead of each request's now, for reproducible examples",
    )
    .action(async (opts: { port?: string; host?: string }, command: Command) =>
      (await import("../actions/serve.js")).serve(opts, command),
    );
}
