// The spec's example post (SPEC §6) as a chart input: the golden image, the README's example chart
// and the text tests all draw this one.

import type { ChartInput } from "../../src/chart/input.js";

export const SPEC_EXAMPLE: ChartInput = {
  pair: "BTC-USDT",
  windowEnd: new Date("2026-03-02T12:00:00Z"),
  windowLabel: "24 h",
  lines: [
    { label: "Binance", text: "41.20", hundredths: 4120 },
    { label: "Coinbase", text: "20.20", hundredths: 2020 },
    { label: "Kraken", text: "10.30", hundredths: 1030 },
    { label: "Bitstamp", text: "5.40", hundredths: 540 },
    { label: "Huobi", text: "2.50", hundredths: 250 },
    { label: "Others", text: "20.40", hundredths: 2040 },
  ],
};
