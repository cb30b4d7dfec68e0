// `capbot demo`: (re)fill the embedded store with the demo data set, relative to now.

import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("demo")
    .description("(re)fill the embedded store with a realistic demo data set")
    .action(async (_opts, command: Command) => (await import("../actions/demo.js")).demo(_opts, command));
}
