// `capbot run`: one posting cycle (SPEC §9).

import type { Command } from "commander";
import { addRunFlags } from "../flags.js";

export function register(program: Command): void {
  addRunFlags(
    program
      .command("run")
      .description("choose a pair, compose its post and publish it (once)")
      .option("--dry-run", "decide and show the post, write nothing anywhere")
      .option("--json", "print one JSON object on stdout"),
  ).action(async (_opts, command: Command) => (await import("../actions/run.js")).run(_opts, command));
}
