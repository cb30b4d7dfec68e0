// The alt text: one sentence with the post's own figures, always under X's 1,000 characters.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALT_TEXT_MAX, altText } from "../../src/chart/alt.js";
import type { ChartInput } from "../../src/chart/input.js";
import { SPEC_EXAMPLE } from "./example.js";

describe("alt text", () => {
  it("is one sentence with the figures of the spec example", () => {
    expect(altText(SPEC_EXAMPLE)).toBe(
      "Bar chart of the share of 24 h volume of BTC-USDT by venue to 2026-03-02 12:00 UTC: " +
        "Binance 41.20%, Coinbase 20.20%, Kraken 10.30%, Bitstamp 5.40%, Huobi 2.50%, Others 20.40%.",
    );
  });

  it("keeps every figure of thirty long labels, under 1,000 characters", () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({
      label: `Venue ${String(i).padStart(2, "0")} ${"with a very long operator label ".repeat(4)}`,
      text: (0.37 + i * 0.61).toFixed(2),
      hundredths: 37 + i * 61,
    }));
    const alt = altText({ ...SPEC_EXAMPLE, lines });
    expect(alt.length).toBeLessThan(1000);
    for (const [i, line] of lines.entries()) {
      expect(alt).toContain(`Venue ${String(i).padStart(2, "0")}`);
      expect(alt).toContain(` ${line.text}%`);
    }
  });

  it("counts the venues it has no room for", () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({ label: `V${i}`, text: "0.50", hundredths: 50 }));
    const alt = altText({ ...SPEC_EXAMPLE, lines });
    const shown = alt.match(/V\d+ 0\.50%/g)?.length ?? 0;
    const more = Number(alt.match(/, and (\d+) more\.$/)?.[1]);
    expect(alt.length).toBeLessThan(1000);
    expect(shown).toBeGreaterThan(0);
    expect(shown + more).toBe(200);
  });

  it("stays under 1,000 characters and well-formed for any labels", () => {
    const line = fc.record({
      label: fc.string({ unit: "binary", maxLength: 200 }),
      text: fc.constantFrom("41.20", "<0.01", "100.00"),
      hundredths: fc.nat(10000),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), fc.string({ maxLength: 2000 }), (lines, pair) => {
        const input: ChartInput = { ...SPEC_EXAMPLE, pair, lines };
        const alt = altText(input);
        expect(alt.length).toBeLessThanOrEqual(ALT_TEXT_MAX);
        expect(() => encodeURIComponent(alt)).not.toThrow();
      }),
    );
  });
});
