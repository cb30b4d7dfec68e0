import fc from "fast-check";
import twitterText from "twitter-text";
import { describe, expect, it } from "vitest";
import { composeMessage } from "../../src/core/message.js";

/** The spec's example, as volumes: five named venues and nine smaller ones making up "Others". */
const SPEC_VENUES = [
  { venue: "huobi", volume: 250 },
  { venue: "binance", volume: 4120 },
  { venue: "kraken", volume: 1030 },
  { venue: "coinbase", volume: 2020 },
  { venue: "bitstamp", volume: 540 },
  ...["okx", "kucoin", "bybit", "bitfinex", "gemini", "mexc", "bitget", "gateio"].map((venue) => ({
    venue,
    volume: 240,
  })),
  { venue: "htx", volume: 120 },
];

describe("composeMessage (§6)", () => {
  it("§6 the spec's example message is reproduced from volumes", () => {
    const { text, k } = composeMessage("BTC-USDT", SPEC_VENUES, 5, {});
    expect(text).toBe(
      [
        "Top Market Venues for BTC-USDT:",
        "Binance: 41.20%",
        "Coinbase: 20.20%",
        "Kraken: 10.30%",
        "Bitstamp: 5.40%",
        "Huobi: 2.50%",
        "Others: 20.40%",
      ].join("\n"),
    );
    expect(k).toBe(5);
  });

  it("§6 the text fits 280 weighted characters: long override labels reduce K", () => {
    const long = (name: string) => `${name} ${"Exchange ".repeat(6).trim()}`;
    const labels = Object.fromEntries(SPEC_VENUES.map((v) => [v.venue, long(v.venue)]));
    const { text, k, lines } = composeMessage("BTC-USDT", SPEC_VENUES, 5, labels);
    expect(twitterText.parseTweet(text).weightedLength).toBeLessThanOrEqual(280);
    // Three venues fit; the fourth would not: K is the largest that fits.
    expect(k).toBe(3);
    const withFour = [...text.split("\n").slice(0, 4), `${long("bitstamp")}: 5.40%`, "Others: 22.90%"];
    expect(twitterText.parseTweet(withFour.join("\n")).weightedLength).toBeGreaterThan(280);
    expect(lines.at(-1)?.label).toBe("Others");
    expect(lines.reduce((sum, line) => sum + line.hundredths, 0)).toBe(10_000);
  });

  it("§6 K is reduced only as far as needed", () => {
    const labels = { binance: "B".repeat(220) };
    const result = composeMessage("BTC-USDT", SPEC_VENUES, 5, labels);
    expect(result.text).toBe(`Top Market Venues for BTC-USDT:\n${"B".repeat(220)}: 41.20%\nOthers: 58.80%`);
    const withTwo = `Top Market Venues for BTC-USDT:\n${"B".repeat(220)}: 41.20%\nCoinbase: 20.20%\nOthers: 38.60%`;
    expect(twitterText.parseTweet(withTwo).weightedLength).toBeGreaterThan(280);
    expect(result.k).toBe(1);
  });

  describe("§6 fitting counts X's weighted characters, up to and including 280", () => {
    // Three venues, K = 2: "Top Market Venues for BTC-USDT:\nBinance: 50.00%\n{label}: 30.00%\nOthers: 20.00%"
    // weighs 71 plus the label's weight. Without the second venue's line it fits easily.
    const venues = [
      { venue: "binance", volume: 50 },
      { venue: "okx", volume: 30 },
      { venue: "kraken", volume: 20 },
    ];
    const withLabel = (label: string) =>
      `Top Market Venues for BTC-USDT:\nBinance: 50.00%\n${label}: 30.00%\nOthers: 20.00%`;
    const cut = "Top Market Venues for BTC-USDT:\nBinance: 50.00%\nOthers: 50.00%";
    // An ASCII character weighs 1; a CJK character weighs 2 and is one code point; an emoji weighs 2 whatever its code points (this
    // family is five: three people joined by two zero-width joiners).
    const cases = [
      { script: "ASCII", at280: "a".repeat(209), at281: "a".repeat(210) },
      { script: "CJK", at280: `${"交".repeat(104)}a`, at281: "交".repeat(105) },
      { script: "emoji", at280: `${"👨‍👩‍👧".repeat(104)}a`, at281: "👨‍👩‍👧".repeat(105) },
    ];

    for (const { script, at280, at281 } of cases) {
      it(`${script}: a text of exactly 280 is kept whole`, () => {
        expect(twitterText.parseTweet(withLabel(at280)).weightedLength).toBe(280);
        const result = composeMessage("BTC-USDT", venues, 2, { okx: at280 });
        expect(result.text).toBe(withLabel(at280));
        expect(result.k).toBe(2);
      });

      it(`${script}: a text of 281 drops the venue that does not fit`, () => {
        expect(twitterText.parseTweet(withLabel(at281)).weightedLength).toBe(281);
        const result = composeMessage("BTC-USDT", venues, 2, { okx: at281 });
        expect(result.text).toBe(cut);
        expect(result.k).toBe(1);
      });
    }
  });

  it("§6 a message that cannot fit even with one venue is an error, not a truncated post", () => {
    expect(() => composeMessage("BTC-USDT", SPEC_VENUES, 5, { binance: "B".repeat(300) })).toThrow(/280/);
  });

  it("§6 no venue with volume is an error", () => {
    expect(() => composeMessage("BTC-USDT", [{ venue: "okx", volume: 0 }], 5, {})).toThrow(/no venue/);
  });

  it("property: no NaN, Infinity or minus sign ever reaches a text, and it always fits", () => {
    const volume = fc.oneof(fc.constant(0), fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }));
    const ids = ["binance", "okx", "kraken", "a", "b", "c", "d", "e", "f", "g"] as const;
    const venues = fc.uniqueArray(fc.record({ venue: fc.constantFrom(...ids), volume }), {
      selector: (v) => v.venue,
      minLength: 1,
    });
    // Override labels in any script, long enough that some texts must lose venues to fit.
    const labels = fc.dictionary(fc.constantFrom(...ids), fc.string({ unit: "grapheme", maxLength: 120 }));
    fc.assert(
      fc.property(venues, fc.integer({ min: 1, max: 10 }), labels, (list, k, overrides) => {
        fc.pre(list.some((v) => v.volume > 0));
        let text: string;
        try {
          text = composeMessage("BTC-USDT", list, k, overrides).text;
        } catch (err) {
          // Only a label too long for even one venue may stop it, and then it says so.
          expect((err as Error).message).toMatch(/does not fit in 280 characters even with one venue/);
          return;
        }
        const figures = text
          .split("\n")
          .slice(1)
          .map((line) => line.slice(line.lastIndexOf(": ") + 2));
        for (const figure of figures) expect(figure).toMatch(/^(?:<0\.01|\d+\.\d\d)%$/);
        expect(text).not.toMatch(/NaN|Infinity/);
        expect(twitterText.parseTweet(text).weightedLength).toBeLessThanOrEqual(280);
      }),
    );
  });
});
