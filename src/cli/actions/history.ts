// What `capbot history` does: the bot's posts, newest first, as a table or JSON; `--pair` shows a pair's whole
// thread.

import type { Command } from "commander";
import { openStore } from "../../adapters.js";
import { ConfigError, exitCodeOf } from "../../errors.js";
import { historyJson, historyTable } from "../../report/history.js";
import { contextOf, reportConfigError } from "../context.js";

/** Without --pair or --limit: the last day of hourly posts. */
const DEFAULT_LIMIT = 20;
/** "No limit" for a pair's thread: more posts than an hourly bot writes in a century. */
const WHOLE_THREAD = 1_000_000;

export async function history(opts: { limit?: string; json?: boolean }, command: Command): Promise<void> {
  let ctx: ReturnType<typeof contextOf>;
  let limit: number | null;
  try {
    limit = opts.limit === undefined ? null : parseLimit(opts.limit);
    ctx = contextOf(command);
  } catch (err) {
    reportConfigError(err, opts.json === true);
    return;
  }
  // loadConfig normalises --pair the way every pair name is (trimmed, upper-cased).
  const pair = ctx.config.pair;
  try {
    const store = await openStore(ctx.config, { readonly: true });
    try {
      const posts = await store.history({ pair, limit: limit ?? (pair ? WHOLE_THREAD : DEFAULT_LIMIT) });
      process.stdout.write(opts.json ? historyJson(posts) : historyTable(posts));
    } finally {
      await store.close();
    }
  } catch (err) {
    process.stderr.write(`capbot: ${(err as Error).message}\n`);
    process.exitCode = exitCodeOf(err);
  }
}

function parseLimit(value: string): number {
  const n = /^[0-9]+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ConfigError("--limit must be a whole number of 1 or more.");
  return n;
}
