// The small pieces the page's sections are made of: times, status badges, links, network names,
// durations. Each takes data and returns escaped markup.

import { NAMES } from "../cli/output.js";
import { formatDuration } from "../core/duration.js";
import { type Html, html, safeUrl } from "./html.js";

/** "2026-03-02 12:00:00 UTC", in a <time> element a program can read. */
export function time(iso: string | null): Html {
  if (iso === null) return html`<span class="muted">never</span>`;
  return html`<time datetime="${iso}">${iso.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC")}</time>`;
}

/** The tone of each status a post, a run or the health can have; anything else is neutral. */
const TONES: Readonly<Record<string, string>> = {
  ok: "good",
  posted: "good",
  "dry-run": "good",
  legacy: "good",
  partial: "warn",
  pending: "warn",
  unknown: "warn",
  skipped: "neutral",
  excluded: "warn",
  held: "warn",
  next: "accent",
  failed: "bad",
  error: "bad",
  failing: "bad",
  "locked-out": "bad",
};

export function badge(status: string): Html {
  return html`<span class="badge ${TONES[status] ?? "neutral"}">${status}</span>`;
}

/** A link when the address is http(s), else the text alone. */
export function link(url: string | null, text: string): Html {
  const href = safeUrl(url);
  return href === null ? html`${text}` : html`<a href="${href}" rel="noopener noreferrer">${text}</a>`;
}

export function network(publisher: string): string {
  const name = NAMES[publisher] ?? publisher;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function duration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : formatDuration(ms);
}
