// How a run's result reads to a person (short, on stdout) or to a program (`--json`, SPEC §9).

import { join } from "node:path";
import type { Config } from "../config.js";
import { OUTBOX_FILE } from "../publish/local.js";
import type { PostOutcome, RunResult } from "../result.js";

/**
 * Exactly the object of SPEC §9, in its order and nothing more: programs parse it. Warnings, notices
 * and the run id are in the logs (stderr), the summary event included.
 */
export function runJson(result: RunResult): string {
  return JSON.stringify(runObject(result));
}

/** The object `runJson` prints (the operator's page serves the same as its next post). */
export function runObject(result: RunResult) {
  const { status, pair, text, inReplyTo, postId, publisher, rankBy, asOf, window, granularity } = result;
  const { candidates, venues, posts, anomalies, skippedCandles, unpricedPairs, reason, error } = result;
  return {
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
    posts: posts.map(postJson),
    anomalies,
    skippedCandles,
    unpricedPairs,
    ...(reason !== undefined ? { reason } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/** How each publisher is named in a sentence. */
export const NAMES: Readonly<Record<string, string>> = {
  x: "X",
  bluesky: "Bluesky",
  mastodon: "Mastodon",
  telegram: "Telegram",
  local: "the local timeline",
};

/** One entry of `posts[]` (SPEC §9), without what only the logs need. */
function postJson(post: PostOutcome) {
  const { publisher, status, postId, inReplyTo, url, error, reason } = post;
  return {
    publisher,
    status,
    postId,
    inReplyTo,
    url,
    ...(error !== undefined ? { error } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

export function printRunResult(result: RunResult, config: Config): void {
  if (config.json) {
    process.stdout.write(`${runJson(result)}\n`);
    return;
  }
  const out: string[] = [...(result.notices ?? [])];
  const [only] = result.posts.length === 1 ? result.posts : [];
  switch (result.status) {
    case "posted":
    case "partial":
      if (only) out.push(`Posted ${result.pair} to ${where(only, config)}:`);
      else {
        out.push(`Posted ${result.pair}${result.status === "partial" ? " on some networks only" : ""}:`);
        out.push(...result.posts.map((p) => `  ${NAMES[p.publisher]}: ${postLine(p, config)}`));
      }
      break;
    case "dry-run":
      out.push(
        `Dry run, nothing written. capbot would post ${result.pair} on ${result.posts.map((p) => `${p.publisher} ${thread(p.inReplyTo)}`).join(", ")}:`,
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
  if (result.status === "error" || result.status === "partial")
    process.stderr.write(`capbot: ${result.error}\n`);
}

function thread(inReplyTo: string | null): string {
  return inReplyTo ? `replying to ${inReplyTo}` : "as a new thread";
}

/** Where one post went, for a run with one publisher (the sentence people know). */
function where(post: PostOutcome, config: Config): string {
  if (post.publisher === "local") {
    return `the local timeline ${join(config.dataDir, OUTBOX_FILE)} (id ${post.postId}), ${thread(post.inReplyTo)}`;
  }
  return `${NAMES[post.publisher]}: ${post.url ?? post.postId} (${thread(post.inReplyTo)})`;
}

function postLine(post: PostOutcome, config: Config): string {
  switch (post.status) {
    case "posted":
      return post.publisher === "local"
        ? `${join(config.dataDir, OUTBOX_FILE)} (id ${post.postId}), ${thread(post.inReplyTo)}`
        : `${post.url ?? post.postId}, ${thread(post.inReplyTo)}`;
    case "failed":
      return `failed: ${post.error}`;
    case "pending":
      return `may have gone out, left pending: ${post.error}`;
    case "skipped":
      return `skipped: ${post.reason}`;
  }
}
