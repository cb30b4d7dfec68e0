// `capbot history`: the bot's posts, newest first, as a table or JSON; `--pair` shows a pair's whole
// thread.

import type { Command } from "commander";

/** Without --pair or --limit: the last day of hourly posts. */
const DEFAULT_LIMIT = 20;

export function register(program: Command): void {
  program
    .command("history")
    .description("the bot's posts, newest first; --pair shows that pair's whole thread")
    .option("--pair <pair>", "only this pair, e.g. BTC-USDT (its whole thread unless --limit is given)")
    .option("--limit <n>", `at most this many posts (default ${DEFAULT_LIMIT}, or all with --pair)`)
    .option("--json", "print a JSON array instead of a table")
    .action(async (opts: { limit?: string; json?: boolean }, command: Command) =>
      (await import("../actions/history.js")).history(opts, command),
    );
}
