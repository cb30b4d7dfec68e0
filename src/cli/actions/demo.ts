// What `capbot demo` does: (re)fill the embedded store with the demo data set, relative to now or to
// --as-of (the same instant always gives the same data, which the docs' examples rely on).

import type { Command } from "commander";
import { openStore } from "../../adapters.js";
import { EXIT, exitCodeOf } from "../../errors.js";
import { fillDemo } from "../../runner.js";
import { contextOrReport } from "../context.js";

export async function demo(_opts: unknown, command: Command): Promise<void> {
  const ctx = contextOrReport(command, false);
  if (!ctx) return;
  if (ctx.config.store !== "embedded") {
    process.stderr.write("capbot: demo fills the embedded store only; it never writes to MongoDB.\n");
    process.exitCode = EXIT.config;
    return;
  }
  try {
    const store = await openStore(ctx.config);
    try {
      const asOf = ctx.config.asOf;
      const filled = await fillDemo(store, asOf ?? new Date());
      const upTo = asOf === null ? "now" : asOf.toISOString();
      process.stdout.write(
        `Filled the embedded store in ${ctx.config.dataDir} with the demo data set: ${filled.candles} candles up to ${upTo}, ${filled.posts} legacy posts.\n`,
      );
    } finally {
      await store.close();
    }
  } catch (err) {
    process.stderr.write(`capbot: ${(err as Error).message}\n`);
    process.exitCode = exitCodeOf(err);
  }
}
