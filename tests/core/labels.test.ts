import fc from "fast-check";
import twitterText from "twitter-text";
import { describe, expect, it } from "vitest";
import { KNOWN_VENUE_LABELS, SAFE_DOT, safeLabel, venueLabel } from "../../src/core/labels.js";

function links(label: string): boolean {
  return (
    twitterText.extractEntitiesWithIndices(`Top Market Venues for BTC-USDT:\n${label}: 41.20%`).length > 0
  );
}

describe("venueLabel (§6 labels)", () => {
  it("§6 built-in display names: okx → OKX, hitbtc → HitBTC", () => {
    expect(venueLabel("okx", {})).toBe("OKX");
    expect(venueLabel("hitbtc", {})).toBe("HitBTC");
    expect(venueLabel("kucoin", {})).toBe("KuCoin");
    expect(venueLabel("gateio", {})).toBe("Gate");
  });

  it("§6 otherwise the id with its first letter upper-cased: binance-us → Binance-us", () => {
    expect(KNOWN_VENUE_LABELS).not.toHaveProperty("binance-us");
    expect(venueLabel("binance-us", {})).toBe("Binance-us");
  });

  it("§6 the configured override wins over the built-in name", () => {
    expect(venueLabel("okx", { okx: "OKX Global" })).toBe("OKX Global");
    expect(venueLabel("okx", { " OKX ": "Okex" })).toBe("Okex");
    expect(venueLabel("okx", { okx: "   " })).toBe("OKX");
  });

  it("§6 a label is one line", () => {
    expect(venueLabel("okx", { okx: "OKX\nGlobal" })).toBe("OKX Global");
    expect(venueLabel("okx", { okx: " OKX \r\n\t Global  Markets " })).toBe("OKX Global Markets");
  });

  it("§2 the venue id is looked up trimmed and lower-cased, as venues compare", () => {
    expect(venueLabel(" HitBTC ", {})).toBe("HitBTC");
    expect(venueLabel("OKX", { okx: "Okex" })).toBe("Okex");
  });

  it("§6 ids that are also Object.prototype names take the fallback rule", () => {
    expect(venueLabel("constructor", {})).toBe("Constructor");
    expect(venueLabel("__proto__", {})).toBe("__proto__");
  });

  it("§6 no built-in label would turn into a link on X", () => {
    for (const label of Object.values(KNOWN_VENUE_LABELS)) expect(links(label)).toBe(false);
    expect(KNOWN_VENUE_LABELS["crypto.com"]).toBe(`Crypto${SAFE_DOT}com`);
    expect(venueLabel("crypto.com", {})).toBe(`Crypto${SAFE_DOT}com`);
  });

  it("§6 a domain-like label that would link is made safe (its dots become U+2024), overrides included", () => {
    expect(links("Crypto.com")).toBe(true);
    expect(venueLabel("gate.io", { "gate.io": "Gate.io" })).toBe(`Gate${SAFE_DOT}io`);
    expect(venueLabel("binance.us", {})).toBe(`Binance${SAFE_DOT}us`);
    expect(venueLabel("x", { x: "x.co/abc" })).toBe(`x${SAFE_DOT}co/abc`);
  });

  it("§6 a domain in capitals links too: its dots are made safe", () => {
    for (const label of ["Gate.IO", "Bit.AI", "Shop.ZA"]) expect(links(label), label).toBe(true);
    expect(venueLabel("gate", { gate: "Gate.IO" })).toBe(`Gate${SAFE_DOT}IO`);
    expect(safeLabel("Bit.AI")).toBe(`Bit${SAFE_DOT}AI`);
    expect(safeLabel("Shop.ZA")).toBe(`Shop${SAFE_DOT}ZA`);
  });

  it("§6 mentions, hashtags and cashtags lose their sign", () => {
    expect(safeLabel("@okx")).toBe("okx");
    expect(safeLabel("#binance")).toBe("binance");
    expect(safeLabel("$BTC")).toBe("BTC");
  });

  it("§6 only what would link changes, wherever it stands in the label", () => {
    expect(safeLabel("Pay @okx")).toBe("Pay okx");
    expect(safeLabel("OKX #top venue")).toBe("OKX top venue");
    // The full stop after the domain is no part of it and stays one.
    expect(safeLabel("See x.co. Then")).toBe(`See x${SAFE_DOT}co. Then`);
  });

  it("property: no label ever links on X", () => {
    const text = fc.string({ unit: fc.constantFrom(..."ab.co/@#$:-_ 1＃＠．") });
    fc.assert(
      fc.property(text, text, (venue, override) => {
        expect(links(venueLabel(venue || "v", { [venue || "v"]: override }))).toBe(false);
      }),
    );
  });
});
