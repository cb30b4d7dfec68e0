// `capbot doctor`: a checklist of what a run needs — settings, the store, the data, the publisher —
// each line ✔ or ✘ with a one-line fix. Exit 0 when all pass, else the exit code of the first failure.

import type { Command } from "commander";
import { addWindowFlags } from "../flags.js";

export function register(program: Command): void {
  addWindowFlags(
    program
      .command("doctor")
      .description("check settings, the store (reach, read, write, indexes, freshness) and the publisher")
      .option("--json", "print the checks as JSON"),
  ).action(async (opts: { json?: boolean }, command: Command) =>
    (await import("../actions/doctor.js")).doctor(opts, command),
  );
}
