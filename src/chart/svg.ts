// The chart of a post as an SVG string: horizontal bars of the venue shares, sized for X's large card
// (1200 × 675) and for a phone screen. Pure: the same input gives the same string, so that the PNG
// rendered from it is the same everywhere.

import { messageTitle } from "../core/message.js";
import { type ChartInput, windowPhrase } from "./input.js";

export type { ChartInput, ChartLine } from "./input.js";

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 675;
/** The family name inside the shipped font files (see font.ts). */
export const CHART_FONT_FAMILY = "Inter";

const MARGIN = 56;
const INK = "#111111";
const MUTED = "#4a4a4a";
// Okabe–Ito blue for venues and a neutral grey for Others: both keep 3:1 against white (WCAG for
// graphics), read the same to every kind of colour vision, and every bar carries its words anyway.
const VENUE_FILL = "#0072B2";
const OTHERS_FILL = "#7a7a7a";
const OTHERS_LABEL = "Others";

const BARS_TOP = 178;
const BARS_BOTTOM = 604;
const MAX_ROW = 84;
const MAX_TYPE = 36;
const MIN_TYPE = 12;
const MAX_LABEL_WIDTH = 360;
/** A venue with a share that rounds to 0.00% still shows a sliver, so that its row is not blank. */
const MIN_BAR = 4;

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Width of a text in pixels, over-estimated from Inter's proportions: the layout needs no font file
 * (it stays pure), and erring wide keeps labels from running into the bars.
 */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if (/[iljtfr.,:;'|!() ]/.test(ch)) em += 0.34;
    else if (/[mwMW%]/.test(ch)) em += 0.92;
    else if (/[A-Z]/.test(ch)) em += 0.72;
    else if (/[0-9]/.test(ch)) em += 0.64;
    else if (/[a-z]/.test(ch)) em += 0.6;
    else em += 0.8;
  }
  return em * fontSize * (bold ? 1.06 : 1);
}

/** The label cut with an ellipsis to fit `maxWidth`: an operator's long label must not hide the bars. */
function fitLabel(label: string, fontSize: number, maxWidth: number): string {
  if (estimateTextWidth(label, fontSize) <= maxWidth) return label;
  const chars = Array.from(label);
  while (chars.length > 1 && estimateTextWidth(`${chars.join("")}…`, fontSize) > maxWidth) chars.pop();
  return `${chars.join("").trimEnd()}…`;
}

/** One decimal at most: short, stable numbers in the markup. */
function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function text(x: number, y: number, size: number, content: string, attrs = ""): string {
  return `<text x="${px(x)}" y="${px(y)}" font-size="${px(size)}"${attrs}>${escapeXml(content)}</text>`;
}

/** The capbot mark: three rising bars in a rounded square, and the name. */
function mark(right: number, baseline: number): string {
  const size = 30;
  const x = right - size;
  const y = baseline - size + 4;
  const bars = [0.45, 0.7, 1]
    .map((h, i) => {
      const barHeight = (size - 12) * h;
      return `<rect x="${px(x + 6 + i * 7)}" y="${px(y + size - 6 - barHeight)}" width="5" height="${px(barHeight)}" fill="#ffffff"/>`;
    })
    .join("");
  return (
    `<g><rect x="${px(x)}" y="${px(y)}" width="${size}" height="${size}" rx="7" fill="${VENUE_FILL}"/>${bars}</g>` +
    text(x - 10, baseline, 26, "capbot", ` font-weight="700" fill="${MUTED}" text-anchor="end"`)
  );
}

export function chartSvg(input: ChartInput): string {
  const rows = input.lines.length;
  const rowHeight = rows > 0 ? Math.min(MAX_ROW, (BARS_BOTTOM - BARS_TOP) / rows) : MAX_ROW;
  const type = Math.max(MIN_TYPE, Math.min(MAX_TYPE, rowHeight * 0.5));
  const barThickness = Math.min(48, rowHeight * 0.64);
  const labels = input.lines.map((l) => fitLabel(l.label, type, MAX_LABEL_WIDTH));
  const labelWidth = Math.max(0, ...labels.map((l) => estimateTextWidth(l, type)));
  const barLeft = MARGIN + labelWidth + 20;
  const figureWidth = estimateTextWidth("100.00%", type, true) + 18;
  const barSpan = CHART_WIDTH - MARGIN - figureWidth - barLeft;
  const largest = Math.max(1, ...input.lines.map((l) => l.hundredths));
  const top = BARS_TOP + (BARS_BOTTOM - BARS_TOP - rowHeight * rows) / 2;

  const bars = input.lines.map((line, i) => {
    const middle = top + rowHeight * (i + 0.5);
    const width = Math.max(MIN_BAR, (barSpan * line.hundredths) / largest);
    const fill = line.label === OTHERS_LABEL && i === rows - 1 ? OTHERS_FILL : VENUE_FILL;
    const baseline = middle + type * 0.36;
    return (
      text(MARGIN, baseline, type, labels[i] ?? "", ` fill="${INK}"`) +
      `<rect class="bar" x="${px(barLeft)}" y="${px(middle - barThickness / 2)}" width="${px(width)}" height="${px(barThickness)}" rx="${px(Math.min(6, barThickness / 4))}" fill="${fill}"/>` +
      text(barLeft + width + 14, baseline, type, `${line.text}%`, ` font-weight="700" fill="${INK}"`)
    );
  });

  const title = messageTitle(input.pair);
  // Floored to the markup's one decimal, so that rounding never pushes the title past the margin.
  const titleFit = (CHART_WIDTH - 2 * MARGIN) / (estimateTextWidth(title, 1, true) || 1);
  const titleSize = Math.min(48, Math.floor(titleFit * 10) / 10);

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" font-family="${CHART_FONT_FAMILY}">`,
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    `<rect width="${CHART_WIDTH}" height="8" fill="${VENUE_FILL}"/>`,
    text(MARGIN, 96, titleSize, title, ` font-weight="700" fill="${INK}"`),
    text(MARGIN, 144, 30, windowPhrase(input), ` fill="${MUTED}"`),
    ...bars,
    text(MARGIN, CHART_HEIGHT - 34, 22, "Share of traded volume by venue", ` fill="${MUTED}"`),
    mark(CHART_WIDTH - MARGIN, CHART_HEIGHT - 34),
    "</svg>",
  ].join("");
}
