// The chart on X: uploaded through the v2 media endpoints, then its alt text set. A chart never
// blocks a post (SPEC §6, the chart is an illustration): whatever goes wrong, the text goes out alone
// and the run says why in a warning.

import type { Logger } from "pino";
import type { TwitterApiv2 } from "twitter-api-v2";
import type { Chart } from "./port.js";

type Call = <T>(action: string, fn: (v2: TwitterApiv2) => Promise<T>) => Promise<T>;

/** The media id of the uploaded chart, or null (with a warning pushed) when it could not go up. */
export async function uploadChart(
  call: Call,
  chart: Chart,
  warnings: string[],
  logger: Logger,
): Promise<string | null> {
  try {
    const id = await call("uploading the chart", (v2) =>
      v2.uploadMedia(Buffer.from(chart.png), { media_type: "image/png", media_category: "tweet_image" }),
    );
    if (typeof id !== "string" || id === "") throw new Error("X's answer to the upload held no media id");
    await call("setting the chart's alt text", (v2) =>
      v2.createMediaMetadata(id, { alt_text: { text: chart.alt } }),
    );
    return id;
  } catch (err) {
    const reason = err instanceof Error ? err.message : "unexpected failure";
    warnings.push(`chart upload failed: ${reason}`);
    logger.warn({ reason }, "chart upload failed; posting the text alone");
    return null;
  }
}
