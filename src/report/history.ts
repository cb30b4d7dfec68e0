// `capbot history`: the bot's posts as a table for a person or as JSON for a program, newest first.

import type { PostRecord } from "../core/types.js";
import { postLink } from "./links.js";

/** One post as `history --json` prints it. `status` is "legacy" for the earlier bot's posts. */
export interface HistoryEntry {
  time: string;
  pair: string;
  status: string;
  publisher: string;
  postId: string | null;
  inReplyTo: string | null;
  /** Where the post can be seen; null for the local timeline and for posts without an id. */
  url: string | null;
  text: string;
  error: string | null;
}

export function historyEntries(records: readonly PostRecord[]): HistoryEntry[] {
  return records.map((r) => ({
    time: r.time.toISOString(),
    pair: r.pair,
    status: r.status ?? "legacy",
    publisher: r.publisher,
    postId: r.tweetId,
    inReplyTo: r.inReplyTo,
    url: postLink(r),
    text: r.tweetText,
    error: r.error,
  }));
}

export function historyJson(records: readonly PostRecord[]): string {
  return `${JSON.stringify(historyEntries(records), null, 2)}\n`;
}

const COLUMNS = ["TIME (UTC)", "PAIR", "STATUS", "PUBLISHER", "POST ID", "REPLY TO", "LINK"] as const;

export function historyTable(records: readonly PostRecord[]): string {
  if (records.length === 0) return "No posts yet.\n";
  const rows = historyEntries(records).map((e) => [
    e.time.replace("T", " ").replace(/\.\d{3}Z$/, ""),
    e.pair,
    e.status,
    e.publisher,
    e.postId ?? "-",
    e.inReplyTo ?? "-",
    e.url ?? "-",
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(COLUMNS), ...rows.map(line)].join("\n")}\n`;
}
