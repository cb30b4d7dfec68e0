// The chart's markup: every label and the post's exact figures, escaped, laid out within the card,
// with bars in proportion and colours that keep their contrast.

import { describe, expect, it } from "vitest";
import type { ChartInput } from "../../src/chart/input.js";
import { CHART_WIDTH, chartSvg, estimateTextWidth } from "../../src/chart/svg.js";
import { SPEC_EXAMPLE } from "./example.js";

interface Bar {
  width: number;
  fill: string;
}

function bars(svg: string): Bar[] {
  return [...svg.matchAll(/<rect class="bar" [^>]*width="([\d.]+)"[^>]*fill="(#[0-9a-fA-F]{6})"/g)].map(
    (m) => ({ width: Number(m[1]), fill: m[2]! }),
  );
}

function texts(svg: string): { size: number; fill: string; content: string }[] {
  return [
    ...svg.matchAll(/<text [^>]*font-size="([\d.]+)"[^>]*fill="(#[0-9a-fA-F]{6})"[^>]*>([^<]*)<\/text>/g),
  ].map((m) => ({ size: Number(m[1]), fill: m[2]!, content: m[3]! }));
}

/** WCAG 2 contrast ratio of a colour against white. */
function contrastOnWhite(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

const withLines = (lines: ChartInput["lines"], pair = "BTC-USDT"): ChartInput => ({
  ...SPEC_EXAMPLE,
  pair,
  lines,
});

describe("chart SVG", () => {
  it("§6 shows each listed venue and Others with exactly the post's figure", () => {
    const contents = texts(chartSvg(SPEC_EXAMPLE)).map((t) => t.content);
    for (const line of SPEC_EXAMPLE.lines) {
      const at = contents.indexOf(line.label);
      expect(at).toBeGreaterThan(-1);
      expect(contents[at + 1]).toBe(`${line.text}%`);
    }
  });

  it("names the pair and the window in the title", () => {
    const contents = texts(chartSvg(SPEC_EXAMPLE)).map((t) => t.content);
    expect(contents).toContain("Top Market Venues for BTC-USDT");
    expect(contents).toContain("24 h volume to 2026-03-02 12:00 UTC");
    expect(contents).toContain("capbot");
  });

  it("§6 prints a share that rounds to 0.00 as <0.01%, escaped, with a visible bar", () => {
    const svg = chartSvg(
      withLines([
        { label: "Binance", text: "99.99", hundredths: 9999 },
        { label: "Tiny", text: "<0.01", hundredths: 0 },
        { label: "Others", text: "0.01", hundredths: 1 },
      ]),
    );
    expect(svg).toContain(">&#60;0.01%</text>");
    expect(svg).not.toContain("<0.01");
    expect(bars(svg)[1]!.width).toBeGreaterThan(0);
  });

  it("escapes XML in labels and in the pair", () => {
    const svg = chartSvg(
      withLines([{ label: `A&B <x> "q" 'a'`, text: "100.00", hundredths: 10000 }], "X&<Y>"),
    );
    expect(svg).toContain(">A&#38;B &#60;x&#62; &#34;q&#34; &#39;a&#39;</text>");
    expect(svg).toContain(">Top Market Venues for X&#38;&#60;Y&#62;</text>");
    expect(svg).not.toMatch(/<x>|&B|<Y>/);
  });

  it("draws bar lengths in proportion to the shares", () => {
    const drawn = bars(chartSvg(SPEC_EXAMPLE));
    expect(drawn).toHaveLength(SPEC_EXAMPLE.lines.length);
    const [first] = SPEC_EXAMPLE.lines;
    SPEC_EXAMPLE.lines.forEach((line, i) => {
      expect(drawn[i]!.width / drawn[0]!.width).toBeCloseTo(line.hundredths / first!.hundredths, 2);
    });
  });

  it("sets Others apart in grey and keeps every colour readable on white", () => {
    const svg = chartSvg(SPEC_EXAMPLE);
    const fills = bars(svg).map((b) => b.fill);
    expect(new Set(fills.slice(0, -1)).size).toBe(1);
    expect(fills.at(-1)).not.toBe(fills[0]);
    for (const fill of fills) expect(contrastOnWhite(fill)).toBeGreaterThanOrEqual(3);
    for (const t of texts(svg)) expect(contrastOnWhite(t.fill)).toBeGreaterThanOrEqual(4.5);
  });

  it("uses big type for the bars on a phone-sized card", () => {
    const svg = chartSvg(SPEC_EXAMPLE);
    const label = texts(svg).find((t) => t.content === "Binance")!;
    expect(label.size).toBeGreaterThanOrEqual(32);
  });

  it("cuts a long label with an ellipsis so that the bars keep their room", () => {
    const long = "An operator label far too long to sit beside a bar on a phone screen";
    const svg = chartSvg(withLines([{ label: long, text: "100.00", hundredths: 10000 }]));
    const label = texts(svg)[2]!;
    expect(label.content.endsWith("…")).toBe(true);
    expect(long.startsWith(label.content.slice(0, -1))).toBe(true);
    expect(estimateTextWidth(label.content, label.size)).toBeLessThanOrEqual(360);
  });

  it("shrinks a long title to fit the card", () => {
    const svg = chartSvg(withLines(SPEC_EXAMPLE.lines, "1000000MOGCOIN-FDUSD-PERPETUAL-X"));
    const title = texts(svg)[0]!;
    expect(title.size).toBeLessThan(48);
    expect(56 + estimateTextWidth(title.content, title.size, true)).toBeLessThanOrEqual(
      CHART_WIDTH - 56 + 0.5,
    );
  });

  it("fits thirty rows between the title and the footer", () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({ label: `V${i}`, text: "3.33", hundredths: 333 }));
    const svg = chartSvg(withLines(lines));
    const ys = [
      ...svg.matchAll(/<rect class="bar" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g),
    ].map((m) => [Number(m[1]), Number(m[1]) + Number(m[2])] as const);
    expect(ys).toHaveLength(30);
    expect(ys[0]![0]).toBeGreaterThan(150);
    expect(ys.at(-1)![1]).toBeLessThan(620);
    for (let i = 1; i < ys.length; i++) expect(ys[i]![0]).toBeGreaterThanOrEqual(ys[i - 1]![1]);
  });
});
