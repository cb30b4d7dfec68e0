// What `capbot doctor` does: a checklist of what a run needs — settings, the store, the data, the publisher —
// each line ✔ or ✘ with a one-line fix. Exit 0 when all pass, else the exit code of the first failure.

import type { Command } from "commander";
import { openPublishers, openStore } from "../../adapters.js";
import type { Config } from "../../config.js";
import { ConfigError, EXIT, exitCodeOf } from "../../errors.js";
import type { createLogger } from "../../log.js";
import { localTimelineChecks } from "../../publish/local-agreement.js";
import { lockCheck, unreadableLock } from "../../report/lock.js";
import { failedCheck } from "../../store/mongo-doctor.js";
import type { Check } from "../../store/port.js";
import { contextOf } from "../context.js";

export async function doctor(opts: { json?: boolean }, command: Command): Promise<void> {
  const checks = await runChecks(command);
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

async function runChecks(command: Command): Promise<Check[]> {
  let config: Config;
  let logger: ReturnType<typeof createLogger>;
  try {
    ({ config, logger } = contextOf(command));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [
      {
        name: "settings",
        ok: false,
        detail: err.message,
        fix: "see the configuration table in the README",
        exitCode: EXIT.config,
      },
    ];
  }
  const checks: Check[] = [
    {
      name: "settings",
      ok: true,
      detail: `store ${config.store}${config.store === "embedded" ? ` (${config.dataDir})` : ` (database ${config.mongo?.db})`}, publishers ${config.publishers.join(", ")}, rank by ${config.rankBy}, window ${config.windowText} of ${config.granularity} candles`,
    },
  ];

  const now = new Date();
  const asOf = config.asOf ?? now;
  try {
    const store = await openStore(config, { readonly: true });
    try {
      const query = {
        granularity: config.granularity,
        from: new Date(asOf.getTime() - config.windowMs),
        to: asOf,
      };
      checks.push(...(await store.doctor(query, config.maxDataAgeMs, asOf)));
      checks.push(
        await store.lockInfo().then(
          (lock) => lockCheck(lock, now, config.lockLeaseMs),
          (err: unknown) => unreadableLock((err as Error).message),
        ),
      );
      checks.push(...(await localTimelineChecks(config, store)));
    } finally {
      await store.close();
    }
  } catch (err) {
    const code = exitCodeOf(err);
    checks.push(
      failedCheck("store reachable", (err as Error).message, code === EXIT.other ? EXIT.store : code),
    );
  }

  try {
    const publishers = await openPublishers(config, logger);
    try {
      for (const publisher of publishers) checks.push(await publisher.check());
    } finally {
      await Promise.all(publishers.map((p) => p.close?.()));
    }
  } catch (err) {
    checks.push({ name: "publishers", ok: false, detail: (err as Error).message, exitCode: EXIT.publish });
  }
  return checks;
}
