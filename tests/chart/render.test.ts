// The renderer fails loudly without its font, and stays out of the text-only modules.

import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../src/chart/font.js", () => ({ FONT_FILES: ["/nonexistent/capbot-test/Inter.ttf"] }));

const { renderChart } = await import("../../src/chart/render.js");
const { SPEC_EXAMPLE } = await import("./example.js");

describe("chart renderer", () => {
  it("refuses to draw a chart without text when the font is missing", async () => {
    await expect(renderChart(SPEC_EXAMPLE)).rejects.toThrow(/chart font .*Inter\.ttf is missing/);
  });

  it("is imported lazily: no module of src/ imports @resvg/resvg-js statically", async () => {
    const files = (await readdir(new URL("../../src", import.meta.url), { recursive: true })).filter((f) =>
      f.endsWith(".ts"),
    );
    expect(files).toContain("chart/render.ts");
    for (const f of files) {
      const source = await readFile(new URL(`../../src/${f}`, import.meta.url), "utf8");
      expect(source, f).not.toMatch(/(^|\n)\s*import\s[^;]*from\s+["']@resvg\/resvg-js["']/);
    }
  });
});
