// The anomaly guard's findings (SPEC §3a) as a person reads them — one line each, the same in `preview`,
// the step summary and the logs — and the log lines themselves: one warning per anomaly.

import type { Anomaly } from "../core/types.js";
import type { Logger } from "../log.js";

/** "BTC-USDT on okx: price outlier, excluded — VWAP 1130.5 is 13.1% above the median …". */
export function anomalyText(anomaly: Anomaly): string {
  return `${anomaly.pair} on ${anomaly.venue}: ${anomaly.kind.replace("-", " ")}, ${anomaly.action} — ${anomaly.detail}`;
}

/** One warning per exclusion or hold, with its fields for a log search and its sentence for a person. */
export function logAnomalies(logger: Logger, anomalies: readonly Anomaly[]): void {
  for (const anomaly of anomalies) {
    const { pair, venue, kind, action, detail } = anomaly;
    logger.warn({ event: "anomaly", pair, venue, kind, action, detail }, anomalyText(anomaly));
  }
}
