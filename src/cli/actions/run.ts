// What `capbot run` does: one posting cycle (SPEC §9).

import type { Command } from "commander";
import { runOnce } from "../../runner.js";
import { contextOrReport } from "../context.js";
import { printRunResult } from "../output.js";

export async function run(_opts: unknown, command: Command): Promise<void> {
  const ctx = contextOrReport(command, command.opts()["json"] === true);
  if (!ctx) return;
  const result = await runOnce(ctx.config, ctx.logger);
  printRunResult(result, ctx.config);
  process.exitCode = result.exitCode;
}
