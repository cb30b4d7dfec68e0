// `capbot demo`: (re)fill the embedded store with the demo data set, relative to now or to --as-of.

import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("demo")
    .description("(re)fill the embedded store with a realistic demo data set")
    .option(
      "--as-of <iso>",
      "the instant the demo data ends at (default: now), for reproducible examples, e.g. 2026-03-02T12:00:00Z",
    )
    .action(async (_opts, command: Command) => (await import("../actions/demo.js")).demo(_opts, command));
}
