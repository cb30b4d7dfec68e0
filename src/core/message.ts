// The message (SPEC §6): "Top Market Venues for {pair}:" and one line per venue, fitted into X's 280
// weighted characters as twitter-text counts them, by showing fewer venues when it does not fit.

import { CapbotError } from "../errors.js";
import { byVolume, type ShareLine, shareLines } from "./shares.js";
import { isPlain, plainWeightedLength, twitterText } from "./x-text.js";

/** The header line, without its colon. */
export function messageTitle(pair: string): string {
  return `Top Market Venues for ${pair}`;
}

export function renderMessage(pair: string, lines: ShareLine[]): string {
  return [`${messageTitle(pair)}:`, ...lines.map((line) => `${line.label}: ${line.text}%`)].join("\n");
}

/** Whether X accepts the text: valid and at most 280 weighted characters. */
export function fitsOnX(text: string): boolean {
  // Stryker disable next-line ConditionalExpression: with isPlain() false a plain text takes twitter-text's path, which answers the same (tests/core/x-text.test.ts); the line's other conditions are killed
  if (isPlain(text)) return text.length > 0 && plainWeightedLength(text) <= 280;
  const parsed = twitterText().parseTweet(text);
  return (
    parsed.valid &&
    // Stryker disable next-line ConditionalExpression: twitter-text's valid already means at most 280 weighted characters
    parsed.weightedLength <= 280
  );
}

/** The length a text must fit (SPEC §6): a test, and how the limit reads in a sentence. */
export interface LengthLimit {
  fits: (text: string) => boolean;
  describe: string;
}

const X_LIMIT: LengthLimit = { fits: fitsOnX, describe: "280 weighted characters (X)" };

/** A figure that is not a plain non-negative decimal would mean a bug upstream: never print it. */
const PRINTABLE_FIGURE = /^(?:<0\.01|[0-9]+\.[0-9]{2})$/;

/**
 * The text for `pair`, with as many of the top `k` venues as `limit` allows (X's 280 weighted characters
 * unless told otherwise; at least one venue, when `k` >= 1). Throws
 * when no venue has volume, or when even one venue does not fit (an override label that is far too long).
 */
export function composeMessage(
  pair: string,
  venues: { venue: string; volume: number }[],
  k: number,
  labels: Record<string, string>,
  limit: LengthLimit = X_LIMIT,
): { text: string; lines: ShareLine[]; k: number } {
  const withVolume = byVolume(venues).length;
  if (withVolume === 0) throw new CapbotError(`${pair} has no venue with volume to report`);
  const most = Math.min(Math.max(0, k), withVolume);
  const least = Math.min(most, 1);
  for (let shown = most; shown >= least; shown--) {
    const lines = shareLines(venues, shown, labels);
    for (const line of lines) {
      if (!PRINTABLE_FIGURE.test(line.text)) {
        throw new CapbotError(`Refusing to print the figure "${line.text}" for ${line.label} in ${pair}`);
      }
    }
    const text = renderMessage(pair, lines);
    if (limit.fits(text)) return { text, lines, k: shown };
  }
  throw new CapbotError(
    `The message for ${pair} does not fit in ${limit.describe} even with one venue; shorten its venue labels`,
  );
}
