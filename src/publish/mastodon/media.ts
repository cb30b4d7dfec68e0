// The chart on Mastodon: `POST /api/v2/media` with the PNG and its alt text as `description`. The v2
// endpoint answers 200 when the file is ready and 202 (with `url: null`) while the instance still
// processes it; a status cannot carry media that is still processing (Mastodon answers 422 "Cannot
// attach files that have not finished processing"), so a 202 is followed by `GET /api/v1/media/:id`
// until it has a `url` — for at most a minute, and never into the time the post itself needs. masto
// would poll on its own, on its own clock and with no deadline; `skipPolling` leaves that to this module.
// A chart never blocks a post (SPEC §6): whatever goes wrong, the text goes alone, with a warning.

import type { Logger } from "pino";
import type { Chart } from "../port.js";
import type { Action, Call } from "./call.js";

const UPLOAD: Action = { doing: "uploading the chart", scope: "write:media" };
const PROCESSING: Action = { doing: "waiting for the chart to be processed", scope: "write:media" };
const POLL_MS = 1000;
const MAX_PROCESSING_WAIT_MS = 60_000;

interface MediaWait {
  deadline: Date;
  /** Time to leave before the deadline for the post itself (one request's timeout). */
  reserveMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}

/** The media id of the uploaded chart, or null (with a warning pushed) when it could not go up. */
export async function uploadChart(
  call: Call,
  chart: Chart,
  wait: MediaWait,
  warnings: string[],
  logger: Logger,
): Promise<string | null> {
  try {
    const file = new File([Buffer.from(chart.png)], "chart.png", { type: "image/png" });
    let media = readMedia(
      await call(
        UPLOAD,
        (api, meta) => api.v2.media.create({ file, description: chart.alt, skipPolling: true }, meta),
        { deadline: wait.deadline },
      ),
    );
    for (let waited = 0; !media.ready; waited += POLL_MS) {
      const left = wait.deadline.getTime() - wait.now().getTime();
      if (waited >= MAX_PROCESSING_WAIT_MS || left < POLL_MS + wait.reserveMs) {
        throw new Error(`the instance was still processing it after ${Math.round(waited / 1000)} s`);
      }
      await wait.sleep(POLL_MS);
      const { id } = media;
      media = readMedia(
        await call(PROCESSING, (api, meta) => api.v1.media.$select(id).fetch(undefined, meta), {
          deadline: wait.deadline,
        }),
      );
    }
    return media.id;
  } catch (err) {
    const reason = err instanceof Error ? err.message : "unexpected failure";
    warnings.push(`chart upload failed: ${reason}`);
    logger.warn({ reason }, "chart upload failed; posting the text alone");
    return null;
  }
}

/** A media attachment is ready once it has a `url`. */
function readMedia(data: unknown): { id: string; ready: boolean } {
  const m = typeof data === "object" && data !== null ? (data as { id?: unknown; url?: unknown }) : {};
  if (typeof m.id !== "string" || m.id === "") throw new Error("the instance's answer held no media id");
  return { id: m.id, ready: typeof m.url === "string" && m.url !== "" };
}
