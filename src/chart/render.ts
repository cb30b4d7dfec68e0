// Renders the chart of a post to PNG bytes. The renderer (a native module) is imported only here and
// only when a chart is wanted, so that text-only runs and `capbot --help` never load it.

import { access } from "node:fs/promises";
import { FONT_FILES } from "./font.js";
import type { ChartInput } from "./input.js";
import { CHART_FONT_FAMILY, chartSvg } from "./svg.js";

export type { ChartInput, ChartLine } from "./input.js";

export async function renderChart(input: ChartInput): Promise<Uint8Array> {
  // resvg skips a font file it cannot read without a word and draws the chart with no text at all.
  await Promise.all(
    FONT_FILES.map((file) =>
      access(file).catch((cause: unknown) => {
        throw new Error(`the chart font ${file} is missing: reinstall capbot`, { cause });
      }),
    ),
  );
  const { renderAsync } = await import("@resvg/resvg-js");
  const image = await renderAsync(chartSvg(input), {
    font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: CHART_FONT_FAMILY },
    fitTo: { mode: "original" },
    logLevel: "off",
  });
  return image.asPng();
}
