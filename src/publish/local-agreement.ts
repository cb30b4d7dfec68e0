// doctor's line on the local timeline: the posts the store records as made on it must still be in the
// outbox. After outbox.ndjson is deleted or truncated, a run would reply to ids no longer in it without a
// word; this says so, with what to do.

import { join } from "node:path";
import type { Config } from "../config.js";
import type { Check, Store } from "../store/port.js";
import { OUTBOX_FILE, readOutbox } from "./local.js";

/** More posts than an hourly bot makes in a century: every record is read. */
const ALL = 1_000_000;

/** The check, or nothing when the local timeline is not in use. */
export async function localTimelineChecks(config: Config, store: Store): Promise<Check[]> {
  if (!config.publishers.includes("local")) return [];
  const outbox = join(config.dataDir, OUTBOX_FILE);
  const name = "local timeline";
  let ids: Set<string>;
  try {
    ids = new Set((await readOutbox(config.dataDir)).map((l) => l.id));
  } catch (err) {
    return [
      { name, ok: true, warning: true, detail: (err as Error).message, fix: `make ${outbox} a file again` },
    ];
  }
  const recorded = (await store.history({ limit: ALL })).filter(
    (p) => p.publisher === "local" && p.status === "posted",
  );
  const missing = recorded.filter((p) => !ids.has(p.tweetId ?? ""));
  if (missing.length === 0) {
    return [{ name, ok: true, detail: `the ${recorded.length} post(s) recorded on it are all in ${outbox}` }];
  }
  return [
    {
      name,
      ok: true,
      warning: true,
      detail: `${missing.length} of the ${recorded.length} post(s) recorded on it are missing from ${outbox} (deleted or truncated?), the newest ${missing[0]?.tweetId}; new posts would reply to them`,
      fix: `restore ${outbox} from a backup; or, to start the local timeline afresh, run capbot demo (it clears the recorded posts)`,
    },
  ];
}
