// The chart on Bluesky: uploaded as a blob (com.atproto.repo.uploadBlob), then embedded in the post as
// an `app.bsky.embed.images` image with its alt text and aspect ratio. A chart never blocks a post:
// whatever goes wrong with the image, the text goes out alone and the run says why in a warning. A login
// that failed, or an account refused, is not the image's fault: the post would fail the same way (and
// spend another of the PDS's few logins), so that failure is the post's.

import type { AtpAgent } from "@atproto/api";
import type { Logger } from "pino";
import type { Chart } from "../port.js";
import { BlueskyCallError } from "./call.js";

/**
 * The largest image every PDS takes in a post: the lexicon now allows 2 MB, but PDSes older than that
 * change still refuse more than 1 MB, and they refuse the whole post, not just the image.
 */
export const MAX_IMAGE_BYTES = 1_000_000;

export interface UploadedChart {
  embed: Record<string, unknown>;
  /** The blob's cid: the run's `media`. */
  cid: string;
}

type Call = <T>(action: string, fn: (agent: AtpAgent) => Promise<T>) => Promise<T>;

/** The chart's embed, or null (with a warning pushed) when it could not go up. */
export async function uploadChart(
  call: Call,
  chart: Chart,
  warnings: string[],
  logger: Logger,
): Promise<UploadedChart | null> {
  try {
    if (chart.png.byteLength > MAX_IMAGE_BYTES) {
      throw new Error(
        `the image has ${chart.png.byteLength} bytes, more than the ${MAX_IMAGE_BYTES} a post takes`,
      );
    }
    const { data } = await call("uploading the chart", (agent) =>
      agent.com.atproto.repo.uploadBlob(chart.png, { encoding: "image/png" }),
    );
    const image = {
      image: data.blob,
      alt: chart.alt,
      aspectRatio: {
        width: Math.max(1, Math.round(chart.width)),
        height: Math.max(1, Math.round(chart.height)),
      },
    };
    return { embed: { $type: "app.bsky.embed.images", images: [image] }, cid: data.blob.ref.toString() };
  } catch (err) {
    if (err instanceof BlueskyCallError && (err.failure.kind === "auth" || err.failure.loggingIn)) throw err;
    const reason = err instanceof Error ? err.message : "unexpected failure";
    warnings.push(`chart upload failed: ${reason}`);
    logger.warn({ reason }, "chart upload failed; posting the text alone");
    return null;
  }
}
