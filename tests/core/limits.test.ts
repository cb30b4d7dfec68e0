// SPEC §6: the text must fit every configured network's limit, each counted its own way — X's weighted
// length, Bluesky's and Mastodon's graphemes, Telegram's UTF-16 code units — and one text goes to all.
import { describe, expect, it } from "vitest";
import { allOf, fitsLimit, type TextLimit } from "../../src/core/limits.js";
import { composeMessage, fitsOnX } from "../../src/core/message.js";

const BLUESKY: TextLimit = { kind: "graphemes", max: 300 };
const CAPTION: TextLimit = { kind: "utf16", max: 1024 };

/** "é" spelt e + a combining accent: one character for a reader, two UTF-16 code units. */
const E_ACUTE = "e\u0301";
/** A thumbs-up with a skin tone: one character for a reader, four UTF-16 code units. */
const THUMBS_UP = "👍🏽";

describe("§6 each network counts the length its own way", () => {
  it("§6 Bluesky and Mastodon count graphemes: 300 of them fit in 300, whatever their code units", () => {
    expect(fitsLimit("a".repeat(300), BLUESKY)).toBe(true);
    expect(fitsLimit("a".repeat(301), BLUESKY)).toBe(false);
    expect(fitsLimit(E_ACUTE.repeat(300), BLUESKY)).toBe(true);
    expect(fitsLimit(E_ACUTE.repeat(301), BLUESKY)).toBe(false);
    expect(fitsLimit(`${THUMBS_UP.repeat(299)}a`, BLUESKY)).toBe(true);
    expect(fitsLimit(THUMBS_UP.repeat(301), BLUESKY)).toBe(false);
  });

  it("§6 Telegram counts UTF-16 code units: 1024 fit a caption, 1025 do not; an emoji is two", () => {
    expect(fitsLimit("a".repeat(1024), CAPTION)).toBe(true);
    expect(fitsLimit("a".repeat(1025), CAPTION)).toBe(false);
    expect(fitsLimit("🚀".repeat(512), CAPTION)).toBe(true);
    expect(fitsLimit(`${"🚀".repeat(512)}a`, CAPTION)).toBe(false);
    expect(fitsLimit(E_ACUTE.repeat(513), CAPTION)).toBe(false);
  });

  it("§6 X counts twitter-text's weighted length", () => {
    for (const text of ["a".repeat(280), "a".repeat(281), "交".repeat(140), "交".repeat(141)]) {
      expect(fitsLimit(text, { kind: "x" })).toBe(fitsOnX(text));
    }
    expect(fitsLimit("交".repeat(141), { kind: "x" })).toBe(false);
  });
});

describe("§6 one text goes to every network: it must fit the strictest", () => {
  const networks = [
    { network: "x", limit: { kind: "x" } as TextLimit },
    { network: "bluesky", limit: BLUESKY },
    { network: "telegram", limit: CAPTION },
  ];

  it("§6 a text fits all the networks only when it fits each of them", () => {
    const limit = allOf(networks);
    expect(limit.fits("a".repeat(280))).toBe(true);
    // 290 ASCII characters fit Bluesky and a caption, but not X.
    expect(limit.fits("a".repeat(290))).toBe(false);
    // 150 accented letters weigh 150 on X and are 150 graphemes, but 300 code units: Telegram still takes them.
    expect(limit.fits(E_ACUTE.repeat(150))).toBe(true);
    expect(
      allOf([{ network: "telegram", limit: { kind: "utf16", max: 100 } }]).fits(E_ACUTE.repeat(51)),
    ).toBe(false);
  });

  it("§6 a message that fits no network even with one venue names every limit, with its network", () => {
    const venues = [
      { venue: "binance", volume: 2 },
      { venue: "okx", volume: 1 },
    ];
    const attempt = () =>
      composeMessage("BTC-USDT", venues, 5, { binance: "B".repeat(300) }, allOf(networks));
    expect(attempt).toThrow(
      "The message for BTC-USDT does not fit in 280 weighted characters (x) and 300 characters (bluesky) and " +
        "1024 UTF-16 code units (telegram) even with one venue; shorten its venue labels",
    );
  });

  it("§6 the strictest network decides how many venues are shown", () => {
    const venues = [
      { venue: "binance", volume: 3 },
      { venue: "okx", volume: 2 },
      { venue: "kraken", volume: 1 },
    ];
    // Telegram is told to take exactly the text with one venue: the second venue must go.
    const oneVenue = "Top Market Venues for BTC-USDT:\nBinance: 50.00%\nOthers: 50.00%";
    const tight = allOf([
      { network: "bluesky", limit: BLUESKY },
      { network: "telegram", limit: { kind: "utf16", max: oneVenue.length } },
    ]);
    expect(composeMessage("BTC-USDT", venues, 5, {}, tight).text).toBe(oneVenue);
    expect(composeMessage("BTC-USDT", venues, 5, {}, allOf([{ network: "bluesky", limit: BLUESKY }])).k).toBe(
      3,
    );
  });
});
