// What `capbot doctor` does: a checklist of what a run needs — settings, the store, the data, the publisher —
// each line ✔ or ✘ with a one-line fix. Exit 0 when all pass, else the exit code of the first failure.
// The lines themselves are gathered in src/doctor/checks.ts, which the operator's page shares.

import type { Command } from "commander";
import { runChecks, settingsFailed } from "../../doctor/checks.js";
import { ConfigError, EXIT } from "../../errors.js";
import type { Check } from "../../store/port.js";
import { contextOf } from "../context.js";

export async function doctor(opts: { json?: boolean }, command: Command): Promise<void> {
  const checks = await checksOf(command);
  const failed = checks.find((c) => !c.ok);
  const exitCode = failed ? (failed.exitCode ?? EXIT.other) : EXIT.ok;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ok: !failed, exitCode, checks })}\n`);
  } else {
    for (const c of checks) {
      process.stdout.write(`${c.ok ? (c.warning ? "!" : "✔") : "✘"} ${c.name}: ${c.detail}\n`);
      if ((!c.ok || c.warning) && c.fix) process.stdout.write(`    fix: ${c.fix}\n`);
    }
    const warnings = checks.filter((c) => c.ok && c.warning).length;
    process.stdout.write(
      failed
        ? `\n${checks.filter((c) => !c.ok).length} check(s) failed.\n`
        : `\nAll checks passed${warnings > 0 ? `, ${warnings} with a warning` : ""}.\n`,
    );
  }
  process.exitCode = exitCode;
}

/** The configuration, then every line; a configuration error is the one line there is. */
async function checksOf(command: Command): Promise<Check[]> {
  let context: ReturnType<typeof contextOf>;
  try {
    context = contextOf(command);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [settingsFailed(err)];
  }
  return runChecks(context.config, context.logger);
}
