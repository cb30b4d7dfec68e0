// The run-shaping flags shared by `run`, `preview` and `schedule` (SPEC §9 command line).

import { type Command, Option } from "commander";

export function addRunFlags(command: Command): Command {
  return command
    .option("--as-of <iso>", "the instant the window ends at (default: now), e.g. 2026-03-02T12:00:00Z")
    .option("--pair <pair>", "post this pair instead of the chosen one, e.g. BTC-USDT")
    .addOption(new Option("--rank-by <metric>", "rank pairs by").choices(["usd", "quote", "volume"]))
    .option("--top <n>", "how many pairs are candidates (default 100)")
    .option("--venues <k>", "how many venues a post lists before Others (default 5)")
    .option("--window <duration>", "the window before as-of, e.g. 90m, 24h, 7d (default 24h)")
    .option("--granularity <g>", "the candle granularity that counts (default 1h)")
    .option("--max-data-age <duration>", "refuse to post when the newest candle is older (default 3h; off)")
    .option("--no-chart", "post text only, without the chart");
}
