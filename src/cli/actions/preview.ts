// What `capbot preview` does: a dry run shown as a table of the candidates, then the message (SPEC §9).

import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { anomalyText } from "../../report/anomalies.js";
import { compact } from "../../report/figures.js";
import type { RunResult } from "../../result.js";
import { drawChart, runOnce } from "../../runner.js";
import { contextOrReport } from "../context.js";

export async function preview(opts: { chart?: string | boolean }, command: Command): Promise<void> {
  const chartFile = typeof opts.chart === "string" ? opts.chart : null;
  const ctx = contextOrReport(command, false, { dryRun: true, json: false, chart: undefined });
  if (!ctx) return;
  const result = await runOnce(ctx.config, ctx.logger);
  if (result.status === "error") {
    process.stderr.write(`capbot: ${result.error}\n`);
    process.exitCode = result.exitCode;
    return;
  }
  process.stdout.write(`${previewText(result)}\n`);
  if (chartFile && result.pair && result.lines) {
    const chart = await drawChart(result.pair, result.lines, new Date(result.asOf), ctx.config.windowText);
    try {
      await writeFile(chartFile, chart.png);
    } catch (err) {
      process.stderr.write(`capbot: could not write the chart to ${chartFile}: ${(err as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`\nChart written to ${chartFile}\nAlt text: ${chart.alt}\n`);
  }
  process.exitCode = result.exitCode;
}

export function previewText(result: RunResult): string {
  const unit = result.rankBy === "usd" ? "USD" : result.rankBy === "quote" ? "quote units" : "base units";
  // The reason column appears only when a candidate was passed over: a clean run reads as it always did.
  const passedOver = result.candidates.some((c) => c.reason !== undefined);
  const header = [
    "#",
    "pair",
    `${result.rankBy} (${unit})`,
    "last posted",
    ...(passedOver ? ["passed over"] : []),
  ];
  const rows = result.candidates.map((c, i) => [
    `${c.pair === result.pair ? "→" : " "}${i + 1}`,
    c.pair,
    compact(c.metric),
    c.lastPostedAt ? c.lastPostedAt.replace("T", " ").slice(0, 16) : "never",
    ...(passedOver ? [c.reason ?? ""] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const anomalies =
    result.anomalies.length === 0
      ? []
      : ["", "Anomalies:", ...result.anomalies.map((a) => `  ${anomalyText(a)}`)];
  const thread = result.inReplyTo ? `replying to ${result.inReplyTo}` : "as a new thread";
  return [
    `Candidates at ${result.asOf} (window ${result.window.from} to ${result.window.to}, ${result.granularity}):`,
    line(header),
    ...rows.map(line),
    ...anomalies,
    "",
    `${result.skippedCandles} candles skipped, ${result.unpricedPairs} pairs unpriced.`,
    `Next post (${result.pair} on ${result.publisher}, ${thread}):`,
    "",
    result.text ?? "",
  ].join("\n");
}
