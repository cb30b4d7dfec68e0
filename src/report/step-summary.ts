// The GitHub Actions step summary of one run: Markdown appended to the file named by
// GITHUB_STEP_SUMMARY, so that the Actions tab shows what was posted (or why nothing was) without
// opening the logs.

import { appendFile } from "node:fs/promises";
import type { PostOutcome, RunResult } from "../result.js";
import { anomalyText } from "./anomalies.js";

const TOP = 10;

export function stepSummaryMarkdown(result: RunResult): string {
  const lines: string[] = [heading(result), ""];
  lines.push(...outcome(result), "");
  for (const notice of result.notices ?? []) lines.push(`> ${inert(notice)}`, "");
  if (result.text) lines.push(...fenced(result.text), "");
  if (result.candidates.length > 0) lines.push(...candidatesTable(result), "");
  if (result.anomalies.length > 0) lines.push(...anomaliesList(result), "");
  lines.push(
    `As of ${result.asOf}; window ${result.window.from} → ${result.window.to} of ${inert(result.granularity)} candles; ` +
      `ranked by ${result.rankBy}. Skipped candles: ${result.skippedCandles}. ` +
      `Pairs without a USD rate: ${result.unpricedPairs}. Run \`${result.runId}\`.`,
    "",
  );
  return `${lines.join("\n")}\n`;
}

/** Appends the summary; GitHub renders every step's file, one after the other. */
export async function appendStepSummary(result: RunResult, path: string): Promise<void> {
  await appendFile(path, stepSummaryMarkdown(result), "utf8");
}

function heading(result: RunResult): string {
  const pair = result.pair ? ` ${inert(result.pair)}` : "";
  switch (result.status) {
    case "posted":
      return `## capbot posted${pair}`;
    case "partial":
      return `## capbot posted${pair} on some networks only (exit ${result.exitCode})`;
    case "dry-run":
      return `## capbot dry run${pair}: nothing was posted`;
    case "skipped":
      return "## capbot skipped this run: nothing was posted";
    case "error":
      return `## capbot failed (exit ${result.exitCode}): nothing was posted`;
  }
}

function outcome(result: RunResult): string[] {
  switch (result.status) {
    case "posted":
    case "partial":
      return [...result.posts.map(postLine), ...warnings(result)];
    case "dry-run":
      return [
        `This is the text that would have been posted on ${result.posts.map((p) => p.publisher).join(", ")}.`,
        "",
        ...result.posts.map(postLine),
      ];
    case "skipped":
      return [`Reason: ${inert(result.reason ?? "not given")}`];
    case "error":
      return [
        `Error: ${inert(result.error ?? "not given")}`,
        ...result.posts.map(postLine),
        ...warnings(result),
      ];
  }
}

const NETWORK_NAMES: Readonly<Record<string, string>> = {
  x: "X",
  bluesky: "Bluesky",
  mastodon: "Mastodon",
  telegram: "Telegram",
  local: "the local timeline",
};

/** One publisher's line: a link to the post, or what stopped it. */
function postLine(post: PostOutcome): string {
  const thread = post.inReplyTo ? `in reply to ${code(post.inReplyTo)}` : "as a new thread";
  const name = NETWORK_NAMES[post.publisher] ?? post.publisher;
  switch (post.status) {
    case "posted": {
      if (post.publisher === "local")
        return `- Written to the local outbox as ${code(post.postId ?? "?")}, ${thread}.`;
      const where = post.url
        ? `[View the post on ${name}](${post.url})`
        : `Posted on ${name} as ${code(post.postId ?? "?")}`;
      return `- ${where}, ${thread}.`;
    }
    case "failed":
      return `- ${name}: failed: ${inert(post.error ?? "not given")}`;
    case "pending":
      return `- ${name}: may have gone out, left pending: ${inert(post.error ?? "")}`;
    case "skipped":
      return `- ${name}: ${inert(post.reason ?? "skipped")}, ${thread}.`;
  }
}

function warnings(result: RunResult): string[] {
  return result.warnings.map((w) => `> Warning: ${inert(w)}`);
}

function candidatesTable(result: RunResult): string[] {
  const shown = result.candidates.slice(0, TOP);
  const title =
    result.candidates.length > TOP ? `Top ${TOP} of ${result.candidates.length} candidates` : "Candidates";
  const passedOver = shown.some((c) => c.reason !== undefined);
  const rows = shown.map((c, i) => {
    const pair = c.pair === result.pair ? `**${inert(c.pair)}**` : inert(c.pair);
    const reason = passedOver ? ` ${inert(c.reason ?? "")} |` : "";
    return `| ${i + 1} | ${pair} | ${formatMetric(c.metric, result.rankBy)} | ${c.lastPostedAt ?? "never"} |${reason}`;
  });
  return [
    `**${title}**, by ${result.rankBy}:`,
    "",
    `| # | Pair | ${metricHeader(result.rankBy)} | Last post |${passedOver ? " Passed over |" : ""}`,
    `|---:|---|---:|---|${passedOver ? "---|" : ""}`,
    ...rows,
  ];
}

/** The guard's exclusions and holds, the first ten. */
function anomaliesList(result: RunResult): string[] {
  const more = result.anomalies.length - TOP;
  return [
    "**Anomalies** (price outliers are left out of the figures; a volume spike holds its pair):",
    "",
    ...result.anomalies.slice(0, TOP).map((a) => `- ${inert(anomalyText(a))}`),
    ...(more > 0 ? [`- …and ${more} more (see the run's JSON or logs)`] : []),
  ];
}

function metricHeader(rankBy: RunResult["rankBy"]): string {
  return rankBy === "usd" ? "Volume (USD)" : rankBy === "quote" ? "Volume (quote)" : "Volume (base)";
}

function formatMetric(metric: number, rankBy: RunResult["rankBy"]): string {
  const n = new Intl.NumberFormat("en-US", { maximumFractionDigits: metric < 100 ? 4 : 0 }).format(metric);
  return rankBy === "usd" ? `$${n}` : n;
}

/** A code fence longer than any run of backticks inside the text, so the text cannot close it. */
function fenced(text: string): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}text`, text, fence];
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "")}\``;
}

/** Makes arbitrary text inert in Markdown and in GitHub's HTML sanitiser (reasons, pair names). */
function inert(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}
