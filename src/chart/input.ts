// What a chart is drawn from, and the words the picture and its alt text share, so that the two
// always describe the same window in the same way.

export interface ChartLine {
  label: string;
  /** Exactly the post's figure without the percent sign: "41.20" or "<0.01". */
  text: string;
  /** The rounded share in hundredths of a percent (4120 for 41.20%); 0 for "<0.01". */
  hundredths: number;
}

export interface ChartInput {
  pair: string;
  windowEnd: Date;
  /** How the window reads to a person, e.g. "24 h". */
  windowLabel: string;
  /** In the post's order: the listed venues, then Others when present. */
  lines: ChartLine[];
}

/** "2026-03-02 12:00 UTC": minutes are enough for an hourly bot, and seconds only add noise. */
export function formatWindowEnd(windowEnd: Date): string {
  return `${windowEnd.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "24 h volume to 2026-03-02 12:00 UTC". */
export function windowPhrase(input: ChartInput): string {
  return `${input.windowLabel} volume to ${formatWindowEnd(input.windowEnd)}`;
}
