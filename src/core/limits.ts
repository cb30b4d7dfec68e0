// How long a post's text may be on each network (SPEC §6): X counts twitter-text's weighted length,
// Bluesky and Mastodon count grapheme clusters (what a reader sees as one character), Telegram counts
// UTF-16 code units. One text goes to every configured network, so it must fit the strictest of them.

import { fitsOnX, type LengthLimit } from "./message.js";

export type TextLimit =
  /** X: at most 280 weighted characters as twitter-text counts them, and valid for X. */
  | { kind: "x" }
  /** Bluesky (300) and Mastodon (the instance's `max_characters`). */
  | { kind: "graphemes"; max: number }
  /** Telegram: 1024 for a photo's caption, 4096 for a text message. */
  | { kind: "utf16"; max: number };

let segmenter: Intl.Segmenter | null = null;

function graphemeCount(text: string): number {
  // Stryker disable next-line ObjectLiteral: grapheme is Intl.Segmenter's default granularity; it is named for the reader
  segmenter ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

export function fitsLimit(text: string, limit: TextLimit): boolean {
  switch (limit.kind) {
    case "x":
      return fitsOnX(text);
    case "graphemes":
      // A grapheme is at least one code unit: a text this short fits without counting.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: false and < only count graphemes that need no counting (true and > are killed)
      if (text.length <= limit.max) return true;
      return graphemeCount(text) <= limit.max;
    case "utf16":
      return text.length <= limit.max;
  }
}

/** The length a text must fit to go to every one of the networks (the strictest decides), as one limit. */
export function allOf(limits: readonly { network: string; limit: TextLimit }[]): LengthLimit {
  return {
    fits: (text) => limits.every(({ limit }) => fitsLimit(text, limit)),
    describe:
      limits.map(({ network, limit }) => `${describeLimit(limit)} (${network})`).join(" and ") ||
      // Stryker disable next-line StringLiteral: with no network every text fits, so no sentence ever names this limit
      "any length",
  };
}

function describeLimit(limit: TextLimit): string {
  switch (limit.kind) {
    case "x":
      return "280 weighted characters";
    case "graphemes":
      return `${limit.max} characters`;
    case "utf16":
      return `${limit.max} UTF-16 code units`;
  }
}
