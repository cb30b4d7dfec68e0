// X's rules for a text — its weighted length, and which words it turns into links, mentions, hashtags and
// cashtags — are twitter-text's, X's own library. Loading it costs a run more than deciding the post
// (over 200 files with the polyfills it pulls in), and what capbot writes is nearly always plain: there,
// twitter-text's answer is known without it. So it loads on demand, only for a text that is not plain.
// tests/core/x-text.test.ts holds the plain answers equal to twitter-text's.

import { createRequire } from "node:module";

/**
 * Stands in for "." inside a label that would otherwise read as a domain: U+2024 ONE DOT LEADER looks
 * like a full stop, but twitter-text (and X) do not take it for a domain separator.
 */
export const SAFE_DOT = "\u2024";

type TwitterText = typeof import("twitter-text");

let loaded: TwitterText | null = null;

/** twitter-text, loaded on first use. Synchronous, so the core stays synchronous. */
export function twitterText(): TwitterText {
  loaded ??= createRequire(import.meta.url)("twitter-text") as TwitterText;
  return loaded;
}

/**
 * Whether nothing in `text` can be an entity or an emoji, and it is its own normal form: only ASCII and
 * {@link SAFE_DOT}, no sign of a mention, hashtag or cashtag (the full-width ones are not ASCII), and no
 * "." before a letter — a link needs one before its top-level domain, and every domain X knows starts
 * with a letter.
 */
export function isPlain(text: string): boolean {
  // Stryker disable next-line EqualityOperator: one step past the end reads NaN, which is no sign, dot or non-ASCII code
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x40 || c === 0x23 || c === 0x24) return false;
    if (c === 0x2e && isAsciiLetter(text.charCodeAt(i + 1))) return false;
    if (c >= 0x80 && text[i] !== SAFE_DOT) return false;
  }
  return true;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * X's weighted length of a plain text ({@link isPlain}): every ASCII character weighs 1; the safe dot
 * lies outside X's ranges of light characters and weighs 2.
 */
export function plainWeightedLength(text: string): number {
  return text.length + text.split(SAFE_DOT).length - 1;
}
