// How long a status may be on this instance (SPEC §6): `configuration.statuses.max_characters` of
// `GET /api/v2/instance`, counted in graphemes as Mastodon 4 counts them (a URL counts as 23, but
// capbot's texts hold none). Asked once per process; when the instance cannot say, 500 (Mastodon's
// default) with a warning, and it is asked again the next time.

import type { Logger } from "pino";
import type { TextLimit } from "../../core/limits.js";
import { type Action, type Call, MastodonCallError } from "./call.js";

const INSTANCE: Action = { doing: "reading the instance's limits (GET /api/v2/instance)" };
const DEFAULT_MAX_CHARACTERS = 500;

export function textLimitOf(call: Call, logger: Logger): () => Promise<TextLimit> {
  let known: TextLimit | null = null;
  return async () => {
    if (known !== null) return known;
    try {
      const max = maxCharacters(
        await call(INSTANCE, (api, meta) => api.v2.instance.fetch(undefined, meta), { maxAttempts: 1 }),
      );
      if (max !== null) {
        known = { kind: "graphemes", max };
        return known;
      }
      logger.warn(
        { assumed: DEFAULT_MAX_CHARACTERS },
        "the Mastodon instance did not say its status length limit; assuming 500 characters",
      );
    } catch (err) {
      if (!(err instanceof MastodonCallError)) throw err;
      logger.warn(
        { assumed: DEFAULT_MAX_CHARACTERS, reason: err.message },
        "could not read the Mastodon instance's status length limit; assuming 500 characters",
      );
    }
    return { kind: "graphemes", max: DEFAULT_MAX_CHARACTERS };
  };
}

function maxCharacters(data: unknown): number | null {
  const configuration =
    typeof data === "object" && data !== null ? (data as { configuration?: unknown }).configuration : null;
  const statuses =
    typeof configuration === "object" && configuration !== null
      ? (configuration as { statuses?: unknown }).statuses
      : null;
  const max =
    typeof statuses === "object" && statuses !== null
      ? (statuses as { maxCharacters?: unknown }).maxCharacters
      : null;
  return typeof max === "number" && Number.isInteger(max) && max > 0 ? max : null;
}
