// The plain fast paths answer as twitter-text would: a plain text weighs what twitter-text says, is valid
// when it does, and holds no entity; fitsOnX and safeLabel agree with twitter-text on every text.

import fc from "fast-check";
import twitterText from "twitter-text";
import { describe, expect, it } from "vitest";
import { KNOWN_VENUE_LABELS, safeLabel } from "../../src/core/labels.js";
import { fitsOnX } from "../../src/core/message.js";
import { isPlain, plainWeightedLength, SAFE_DOT } from "../../src/core/x-text.js";

/** Pieces of messages, domains, links and entities, ASCII and not, that twitter-text treats specially. */
const PIECES = [
  "Top Market Venues for BTC-USDT:",
  "\nBinance: 41.20%",
  "\nOthers: <0.01%",
  ": 100.00%",
  "binance.com",
  "Gate.io",
  "t.co/abc",
  "https://x",
  "http://1.2.3.4/",
  "a.b.c",
  "1.co",
  ".xn--p1ai",
  "@okx",
  "#btc",
  "$BTC",
  "crypto/com",
  "my.zone",
  `Crypto${SAFE_DOT}com`,
  "ＯＫＸ",
  "＠okx",
  "＃btc",
  "okx．com",
  "比特币",
  "한국",
  ".한국",
  "🚀",
  "👍🏽",
  "#️⃣",
  "©",
  "e\u0301",
  "\uFEFF",
  "\u202E",
  "K\u212A",
];
const CHARS = [..."abzAZ09.:/-_ \n\t%<@#$", SAFE_DOT, "．", "／", "é", "𝕏"];

/** Short and long texts: single characters and pieces, up to past 280 weighted characters. */
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 40 }),
  fc.array(fc.constantFrom(...PIECES, ...CHARS), { maxLength: 12 }).map((parts) => parts.join("")),
  fc
    .tuple(fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }), fc.integer({ min: 240, max: 300 }))
    .map(([parts, n]) => `${parts.join(" ")}${"x".repeat(n)}`.slice(0, n)),
  fc.string({ unit: "binary", maxLength: 20 }),
);

const RUNS = { numRuns: 2000 };

describe("plain texts (loading twitter-text only for the others)", () => {
  it("property: a plain text weighs what twitter-text says, and is valid when twitter-text says so", () => {
    fc.assert(
      fc.property(text, (t) => {
        fc.pre(isPlain(t));
        const parsed = twitterText.parseTweet(t);
        expect(plainWeightedLength(t)).toBe(parsed.weightedLength);
        expect(t.length > 0 && plainWeightedLength(t) <= 280).toBe(parsed.valid);
      }),
      RUNS,
    );
  });

  it("property: twitter-text finds no link, mention, hashtag or cashtag in a plain text", () => {
    fc.assert(
      fc.property(text, (t) => {
        fc.pre(isPlain(t));
        expect(twitterText.extractEntitiesWithIndices(t)).toEqual([]);
        expect(twitterText.extractEntitiesWithIndices(`\n${t}: 100.00%`)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("property: fitsOnX gives twitter-text's answer on every text, plain or not", () => {
    fc.assert(
      fc.property(text, (t) => {
        const parsed = twitterText.parseTweet(t);
        expect(fitsOnX(t)).toBe(parsed.valid && parsed.weightedLength <= 280);
      }),
      RUNS,
    );
  });

  it("property: a plain label is already safe", () => {
    fc.assert(
      fc.property(text, (label) => {
        fc.pre(isPlain(label));
        expect(safeLabel(label)).toBe(label);
      }),
      RUNS,
    );
  });

  it("the texts of the tests above are plain often enough to test the fast paths, and not always", () => {
    const sample = fc.sample(text, { numRuns: 2000, seed: 1 });
    const plain = sample.filter(isPlain).length;
    expect(plain).toBeGreaterThan(400);
    expect(plain).toBeLessThan(1600);
  });

  it("every built-in venue label is plain, so it needs no twitter-text at run time", () => {
    for (const label of Object.values(KNOWN_VENUE_LABELS)) {
      expect(isPlain(label), label).toBe(true);
      expect(safeLabel(label)).toBe(label);
    }
  });

  it("a message line with a figure is plain; a domain, a sign or a non-ASCII letter is not", () => {
    expect(isPlain("Top Market Venues for BTC-USDT:\nBinance: 41.20%\nOthers: <0.01%")).toBe(true);
    expect(isPlain(`Crypto${SAFE_DOT}com: 3.00%`)).toBe(true);
    for (const t of ["Gate.io", "@okx", "#btc", "$BTC", "ＯＫＸ", "okx．com", "🚀", "\u0080"])
      expect(isPlain(t), t).toBe(false);
  });

  it("a dot stops a text being plain only before an ASCII letter, the first letter of every domain", () => {
    for (const t of ["v1.0", "a.", "a.-b", "a.:", "a.[", "a.`", "a.{", "a.~", "a._b", `a.${SAFE_DOT}`])
      expect(isPlain(t), t).toBe(true);
    for (const letter of ["A", "Z", "a", "z"]) expect(isPlain(`x.${letter}`), letter).toBe(false);
  });
});
