// The alt text of a chart: one sentence and the post's own figures, for readers who cannot see the
// picture. X accepts at most 1,000 characters; this stays below that whatever the labels are.

import { type ChartInput, formatWindowEnd } from "./input.js";

/** Strictly under X's limit of 1,000, counted in UTF-16 units (never fewer than X counts). */
export const ALT_TEXT_MAX = 999;
// Long labels are shortened, step by step, before any figure is left out: the figures are the point.
const LABEL_CAPS = [Number.POSITIVE_INFINITY, 60, 40, 24, 16];
const LABEL_MIN = 10;

function cut(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

/** Cut to at most `max` UTF-16 units without splitting a surrogate pair. */
function cutUnits(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = "";
  for (const ch of s) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** The sentence with the first `shown` figures and a count of the ones left out. */
function sentence(head: string, figures: string[], shown: number): string {
  const hidden = figures.length - shown;
  const parts = figures.slice(0, shown);
  if (hidden > 0) parts.push(shown > 0 ? `and ${hidden} more` : `${hidden} venues`);
  return parts.length > 0 ? `${head}: ${parts.join(", ")}.` : `${head}.`;
}

export function altText(input: ChartInput): string {
  const head = `Bar chart of the share of ${input.windowLabel} volume of ${input.pair} by venue to ${formatWindowEnd(input.windowEnd)}`;
  const figures = (cap: number) => input.lines.map((l) => `${cut(l.label.trim(), cap)} ${l.text}%`);
  for (const cap of LABEL_CAPS) {
    const all = sentence(head, figures(cap), input.lines.length);
    if (all.length <= ALT_TEXT_MAX) return all;
  }
  const shortest = figures(LABEL_MIN);
  for (let shown = shortest.length - 1; shown >= 0; shown--) {
    const some = sentence(head, shortest, shown);
    if (some.length <= ALT_TEXT_MAX) return some;
  }
  return cutUnits(`${head}.`, ALT_TEXT_MAX);
}
