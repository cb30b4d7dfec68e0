// What `capbot run` does: one posting cycle (SPEC §9).

import type { Command } from "commander";
import { runOnce } from "../../runner.js";
import { contextOf, reportConfigError } from "../context.js";
import { printRunResult } from "../output.js";

export async function run(_opts: unknown, command: Command): Promise<void> {
  let ctx: ReturnType<typeof contextOf>;
  try {
    ctx = contextOf(command);
  } catch (err) {
    reportConfigError(err, command.opts()["json"] === true);
    return;
  }
  const result = await runOnce(ctx.config, ctx.logger);
  printRunResult(result, ctx.config);
  process.exitCode = result.exitCode;
}
