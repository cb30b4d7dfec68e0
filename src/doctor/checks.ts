// The lines of `capbot doctor` — settings, the store (reach, format, data, freshness), the lock, the local
// timeline, each publisher — gathered once for both places that show them: the `doctor` command and the
// operator's page. Nothing here writes; each publisher's check is one request to its network.

import { openPublishers, openStore } from "../adapters.js";
import type { Config } from "../config.js";
import { type ConfigError, EXIT, exitCodeOf } from "../errors.js";
import type { Logger } from "../log.js";
import { localTimelineChecks } from "../publish/local-agreement.js";
import type { Publisher } from "../publish/port.js";
import { lockCheck, unreadableLock } from "../report/lock.js";
import { failedCheck } from "../store/mongo-doctor.js";
import type { Check, Store } from "../store/port.js";

/** Every line, in doctor's order: the settings, the store's lines, then each publisher's. */
export async function runChecks(config: Config, logger: Logger, now: Date = new Date()): Promise<Check[]> {
  const checks = [settingsCheck(config)];
  try {
    const store = await openStore(config, { readonly: true });
    try {
      checks.push(...(await storeChecks(config, store, now)));
    } finally {
      await store.close();
    }
  } catch (err) {
    checks.push(storeFailed(err));
  }
  try {
    const publishers = await openPublishers(config, logger);
    try {
      checks.push(...(await publisherChecks(publishers)));
    } finally {
      await Promise.all(publishers.map((p) => p.close?.()));
    }
  } catch (err) {
    checks.push(publishersFailed(err));
  }
  return checks;
}

export function settingsCheck(config: Config): Check {
  const where = config.store === "embedded" ? `(${config.dataDir})` : `(database ${config.mongo?.db})`;
  return {
    name: "settings",
    ok: true,
    detail: `store ${config.store} ${where}, publishers ${config.publishers.join(", ")}, rank by ${config.rankBy}, window ${config.windowText} of ${config.granularity} candles`,
  };
}

/** The one line when the configuration cannot be read: nothing else can be checked. */
export function settingsFailed(err: ConfigError): Check {
  return {
    name: "settings",
    ok: false,
    detail: err.message,
    fix: "see the configuration table in the README",
    exitCode: EXIT.config,
  };
}

/**
 * The store's own lines, the lock's and the local timeline's, on a store opened read-only; a failure half
 * way keeps the lines before it and ends with the failing one.
 */
export async function storeChecks(config: Config, store: Store, now: Date): Promise<Check[]> {
  const asOf = config.asOf ?? now;
  const query = {
    granularity: config.granularity,
    from: new Date(asOf.getTime() - config.windowMs),
    to: asOf,
  };
  const checks: Check[] = [];
  try {
    checks.push(...(await store.doctor(query, config.maxDataAgeMs, asOf)));
    checks.push(
      await store.lockInfo().then(
        (lock) => lockCheck(lock, now, config.lockLeaseMs),
        (err: unknown) => unreadableLock((err as Error).message),
      ),
    );
    checks.push(...(await localTimelineChecks(config, store)));
  } catch (err) {
    checks.push(storeFailed(err));
  }
  return checks;
}

/** The line when the store could not be opened or read at all. */
export function storeFailed(err: unknown): Check {
  const code = exitCodeOf(err);
  return failedCheck("store reachable", (err as Error).message, code === EXIT.other ? EXIT.store : code);
}

/** Each publisher's line: one cheap read that proves its credentials. */
export async function publisherChecks(publishers: readonly Publisher[]): Promise<Check[]> {
  const checks: Check[] = [];
  for (const publisher of publishers) checks.push(await publisher.check());
  return checks;
}

/** The line when the publishers could not even be built. */
export function publishersFailed(err: unknown): Check {
  return { name: "publishers", ok: false, detail: (err as Error).message, exitCode: EXIT.publish };
}
