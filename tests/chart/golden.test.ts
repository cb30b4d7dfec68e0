// The chart's bytes are pinned: the same input must give the same PNG on every machine (shipped font,
// no system fonts). docs/chart-example.png is that PNG, so the README always shows what capbot draws.
// After a deliberate change to the drawing, run with CAPBOT_UPDATE_CHART=1 to rewrite the example, then
// pin its new SHA-256 here.

import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FONT_FILES } from "../../src/chart/font.js";
import { renderChart } from "../../src/chart/render.js";
import { SPEC_EXAMPLE } from "./example.js";

const GOLDEN_SHA256 = "10b52869a684d22383597e07e4b86fd53bfc83bb5d96a5a58c0f86dde758017c";
const EXAMPLE_FILE = new URL("../../docs/chart-example.png", import.meta.url);
// Inter 4 as shipped by @expo-google-fonts/inter 0.4.2: another font file would move every glyph.
const FONT_SHA256 = [
  "a414b48aa577ef2c62ebb135341ddeef33ee26a4f5dc9f787f93c1aab08ebb50",
  "fbe825cbfc749317f57a1433d3905aa9d3f388732fd29b8e8a36f34845e3bc3e",
];

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Width and height from the IHDR chunk, which a PNG must have first, right after the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(Buffer.from(png.subarray(0, 8)).toString("hex")).toBe("89504e470d0a1a0a");
  expect(Buffer.from(png.subarray(12, 16)).toString("ascii")).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe("chart PNG", () => {
  it("ships the pinned font files", async () => {
    const hashes = await Promise.all(FONT_FILES.map(async (f) => sha256(await readFile(f))));
    expect(hashes).toEqual(FONT_SHA256);
  });

  it("is 1200 × 675, X's large card", async () => {
    expect(pngSize(await renderChart(SPEC_EXAMPLE))).toEqual({ width: 1200, height: 675 });
  });

  it("gives the same bytes twice", async () => {
    const [a, b] = await Promise.all([renderChart(SPEC_EXAMPLE), renderChart(SPEC_EXAMPLE)]);
    expect(sha256(a)).toBe(sha256(b));
  });

  it("matches the golden image, which is docs/chart-example.png", async () => {
    const png = await renderChart(SPEC_EXAMPLE);
    if (process.env["CAPBOT_UPDATE_CHART"] === "1") await writeFile(EXAMPLE_FILE, png);
    expect(sha256(png)).toBe(GOLDEN_SHA256);
    expect(sha256(await readFile(EXAMPLE_FILE))).toBe(GOLDEN_SHA256);
  });

  it("changes when a figure changes", async () => {
    const other = structuredClone(SPEC_EXAMPLE);
    other.lines[0] = { label: "Binance", text: "41.21", hundredths: 4121 };
    expect(sha256(await renderChart(other))).not.toBe(sha256(await renderChart(SPEC_EXAMPLE)));
  });
});
