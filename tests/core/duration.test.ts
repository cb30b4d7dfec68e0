import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/core/duration.js";

describe("parseDuration (§3 window, maxDataAge)", () => {
  it("§3 accepts 90m, 24h, 7d and 30s", () => {
    expect(parseDuration("90m")).toBe(90 * 60_000);
    expect(parseDuration("24h")).toBe(24 * 3_600_000);
    expect(parseDuration("7d")).toBe(7 * 86_400_000);
    expect(parseDuration("30s")).toBe(30_000);
  });

  it("accepts combined parts and decimals", () => {
    expect(parseDuration("1h 30m")).toBe(90 * 60_000);
    expect(parseDuration("1h30m")).toBe(90 * 60_000);
    expect(parseDuration("1.5h")).toBe(90 * 60_000);
    expect(parseDuration("250ms")).toBe(250);
  });

  it("reads a setting as written by hand: surrounding spaces and capital units", () => {
    expect(parseDuration(" 1H 30M\n")).toBe(90 * 60_000);
    expect(parseDuration("7D")).toBe(7 * 86_400_000);
  });

  it.each([[""], ["24"], ["h"], ["-1h"], ["1 h"], ["1y"], ["abc"], ["1e3h"], ["off"]])(
    "%j is malformed",
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const ms = parseDuration(text);
        expect(ms === null || (Number.isSafeInteger(ms) && ms >= 0)).toBe(true);
      }),
    );
  });
});

describe("formatDuration", () => {
  it("shows the two largest units", () => {
    expect(formatDuration(3 * 3_600_000 + 12 * 60_000 + 5_000)).toBe("3h 12m");
    expect(formatDuration(2 * 86_400_000 + 3_600_000)).toBe("2d 1h");
    expect(formatDuration(2 * 86_400_000 + 60_000)).toBe("2d");
    expect(formatDuration(45_000)).toBe("45s");
    expect(formatDuration(500)).toBe("0s");
  });

  it("a negative duration (a candle dated ahead of the clock) keeps its sign; no number at all reads as such", () => {
    expect(formatDuration(-(3_600_000 + 5 * 60_000))).toBe("-1h 5m");
    expect(formatDuration(-500)).toBe("0s");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(formatDuration(Number.NaN)).toBe("NaN");
  });

  it("parses back to within its precision", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_600_000 }), (ms) => {
        const back = parseDuration(formatDuration(ms));
        expect(back).not.toBeNull();
        expect(ms - (back ?? 0)).toBeGreaterThanOrEqual(0);
        expect(ms - (back ?? 0)).toBeLessThan(60_000);
      }),
    );
  });
});
