// How a run's result reads to a person (short, on stdout) or to a program (`--json`, SPEC §9).

import { join } from "node:path";
import type { Config } from "../config.js";
import { OUTBOX_FILE } from "../publish/local.js";
import { xPostUrl } from "../publish/x-url.js";
import type { RunResult } from "../result.js";

/**
 * Exactly the object of SPEC §9, in its order and nothing more: programs parse it. Warnings, notices
 * and the run id are in the logs (stderr), the summary event included.
 */
export function runJson(result: RunResult): string {
  const { status, pair, text, inReplyTo, postId, publisher, rankBy, asOf, window, granularity } = result;
  const { candidates, venues, anomalies, skippedCandles, unpricedPairs, reason, error } = result;
  return JSON.stringify({
    status,
    pair,
    text,
    inReplyTo,
    postId,
    publisher,
    rankBy,
    asOf,
    window,
    granularity,
    candidates,
    venues,
    anomalies,
    skippedCandles,
    unpricedPairs,
    ...(reason !== undefined ? { reason } : {}),
    ...(error !== undefined ? { error } : {}),
  });
}

export function printRunResult(result: RunResult, config: Config): void {
  if (config.json) {
    process.stdout.write(`${runJson(result)}\n`);
    return;
  }
  const out: string[] = [...(result.notices ?? [])];
  const thread = result.inReplyTo ? `replying to ${result.inReplyTo}` : "as a new thread";
  switch (result.status) {
    case "posted":
      out.push(
        result.publisher === "local"
          ? `Posted ${result.pair} to the local timeline ${join(config.dataDir, OUTBOX_FILE)} (id ${result.postId}), ${thread}:`
          : `Posted ${result.pair} to X: ${xPostUrl(result.postId ?? "")} (${thread}):`,
      );
      break;
    case "dry-run":
      out.push(
        `Dry run, nothing written. capbot would post ${result.pair} on ${result.publisher}, ${thread}:`,
      );
      break;
    case "skipped":
      out.push(`Skipped: ${result.reason}.`);
      break;
    case "error":
      break;
  }
  if (result.text && result.status !== "skipped" && result.status !== "error") out.push("", result.text);
  for (const w of result.warnings) out.push(`Warning: ${w}`);
  if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
  if (result.status === "error") process.stderr.write(`capbot: ${result.error}\n`);
}
