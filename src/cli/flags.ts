// The run-shaping flags (SPEC §9 command line), shared by `run`, `preview`, `schedule` and `doctor`.

import { type Command, Option } from "commander";

/** Which candles a command looks at: the window, its end, the granularity, the staleness limit. */
export function addWindowFlags(command: Command, options: { asOf?: boolean } = {}): Command {
  if (options.asOf !== false) {
    command.option(
      "--as-of <iso>",
      "the instant the window ends at (default: now), e.g. 2026-03-02T12:00:00Z",
    );
  }
  return command
    .option("--window <duration>", "the window before as-of, e.g. 90m, 24h, 7d (default 24h)")
    .option("--granularity <g>", "the candle granularity that counts (default 1h)")
    .option("--max-data-age <duration>", "refuse to post when the newest candle is older (default 3h; off)");
}

/** Everything that shapes a post. `schedule` has no --as-of (each tick is now); `preview` no --no-chart. */
export function addRunFlags(command: Command, options: { asOf?: boolean; chart?: boolean } = {}): Command {
  addWindowFlags(command, options)
    .option("--pair <pair>", "post this pair instead of the chosen one, e.g. BTC-USDT")
    .addOption(new Option("--rank-by <metric>", "rank pairs by").choices(["usd", "quote", "volume"]))
    .option("--top <n>", "how many pairs are candidates (default 100)")
    .option("--venues <k>", "how many venues a post lists before Others (default 5)")
    .option("--min-venues <n>", "pass over pairs with fewer venues with volume (default 2)")
    .addOption(
      new Option(
        "--anomalies <on|off>",
        "exclude price outliers and hold volume spikes (default on)",
      ).choices(["on", "off"]),
    )
    .option("--publishers <list>", "where to post: x, bluesky, mastodon, telegram, local (comma list)");
  if (options.chart !== false) command.option("--no-chart", "post text only, without the chart");
  return command;
}
