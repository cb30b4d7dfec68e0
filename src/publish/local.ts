// The local publisher: a timeline in a file, for trying capbot without an X account (SPEC §9).
// Each post is one NDJSON line in {dataDir}/outbox.ndjson and its chart {id}.png beside it, each written
// whole or not at all (local-files.ts). A line counts once its newline is written: an unfinished last
// line is not a post, and the next write removes it.

import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { PostRecord } from "../core/types.js";
import { dataDirProblem, nearestExisting } from "../data-dir.js";
import { EXIT, PublishError } from "../errors.js";
import { failpoint } from "../failpoints.js";
import { fileErrorReason } from "../file-errors.js";
import type { Check } from "../store/port.js";
import { appendLine, sweepLeftovers, writeFileAtomically } from "./local-files.js";
import type { Publisher, PublishRequest, PublishResult, Reconciliation } from "./port.js";

export const OUTBOX_FILE = "outbox.ndjson";

export interface OutboxLine {
  id: string;
  time: string;
  in_reply_to: string | null;
  text: string;
  intent_id: string;
  media?: string;
  alt?: string;
}

export function createLocalPublisher(dataDir: string, now: () => Date = () => new Date()): Publisher {
  const outbox = join(dataDir, OUTBOX_FILE);
  const failed = (what: string, err: unknown, uncertain = false): PublishError =>
    new PublishError(`Could not write the local timeline ${outbox}: ${what}.`, { cause: err, uncertain });

  return {
    name: "local",
    // The local timeline stands in for X when trying capbot: it shows the text X would get.
    textLimit: async () => ({ kind: "x" }),

    async publish(request: PublishRequest): Promise<PublishResult> {
      const id = randomUUID();
      const time = now();
      const line: OutboxLine = {
        id,
        time: time.toISOString(),
        in_reply_to: request.inReplyTo?.id ?? null,
        text: request.text,
        intent_id: request.intentId,
      };
      const warnings: string[] = [];
      const problem = dataDirProblem(dataDir);
      if (problem !== null) throw new PublishError(problem);
      try {
        await mkdir(dataDir, { recursive: true });
      } catch (err) {
        throw failed(fileErrorReason(err), err);
      }
      // The lease is ours from here to the line: no other run writes in this folder meanwhile.
      await request.fence();
      const swept = await sweep(dataDir);
      if (swept.length > 0) {
        warnings.push(
          `removed ${swept.length} file(s) left in ${dataDir} by a run that stopped: ${swept.join(", ")}`,
        );
      }

      // A chart never blocks a post: without it, the text goes out alone and a warning says why.
      let chartError: unknown = null;
      if (request.chart) {
        try {
          await writeFileAtomically(join(dataDir, `${id}.png`), request.chart.png, dataDir);
          line.media = `${id}.png`;
          line.alt = request.chart.alt;
        } catch (err) {
          chartError = err;
          warnings.push(`the chart could not be written (${fileErrorReason(err)}): posted without it`);
        }
      }
      failpoint("local-chart-written");

      await request.fence();
      try {
        const repaired = await appendLine(outbox, JSON.stringify(line), dataDir);
        if (repaired !== null) warnings.push(repaired);
      } catch (err) {
        // The first error is the one that says why (a full disk shows first at the chart).
        const why = err instanceof PublishError ? err.message : fileErrorReason(err);
        const first =
          chartError === null
            ? why
            : `the chart failed first (${fileErrorReason(chartError)}), then the line (${why})`;
        throw failed(first, err, err instanceof PublishError && err.uncertain);
      }
      return {
        id,
        time,
        inReplyTo: request.inReplyTo?.id ?? null,
        threadRestarted: false,
        media: line.media ?? null,
        warnings,
      };
    },

    // The local timeline always knows: the intent's id is written into its line.
    async reconcile(intent: PostRecord): Promise<Reconciliation> {
      const found = (await readOutbox(dataDir)).find((l) => l.intent_id === intent.id);
      if (found) return { status: "posted", id: found.id, time: new Date(found.time) };
      return { status: "failed", error: "the run stopped before the post reached the local timeline" };
    },

    // Checked without writing: the folder, or the nearest folder above it that exists, is writable.
    async check(): Promise<Check> {
      const problem = dataDirProblem(dataDir);
      if (problem !== null)
        return { name: "publisher local", ok: false, detail: problem, exitCode: EXIT.publish };
      try {
        await access(nearestExisting(dataDir), constants.W_OK);
        return { name: "publisher local", ok: true, detail: `local timeline ${outbox} is writable` };
      } catch {
        return {
          name: "publisher local",
          ok: false,
          detail: `local timeline folder ${dataDir} is not writable`,
          fix: "set CAPBOT_DATA_DIR to a folder this user can write",
          exitCode: 4,
        };
      }
    },
  };
}

/**
 * Cleans the folder before a post; never fails it (what is left is cleaned next time). A chart belongs to
 * its line: with the outbox deleted, its charts go too; with the outbox unreadable, nothing is removed.
 */
async function sweep(dataDir: string): Promise<string[]> {
  try {
    const lines = await readOutbox(dataDir);
    return await sweepLeftovers(dataDir, new Set(lines.flatMap((l) => (l.media ? [l.media] : []))));
  } catch {
    return [];
  }
}

/**
 * The local timeline, oldest first. A post is a whole line: the text after the last newline is an
 * unfinished write (never acknowledged) and not read, nor is a line that is not JSON.
 */
export async function readOutbox(dataDir: string): Promise<OutboxLine[]> {
  const path = join(dataDir, OUTBOX_FILE);
  let text: string;
  try {
    // Read whole only when it is a file: a device there (/dev/zero) would never end.
    if (!(await stat(path)).isFile()) throw new Error(`The local timeline ${path} is not a regular file.`);
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const whole = text.split("\n").slice(0, -1);
  const out: OutboxLine[] = [];
  for (const raw of whole) {
    if (raw.trim() === "") continue;
    try {
      out.push(JSON.parse(raw) as OutboxLine);
    } catch {
      // a line torn in the middle of the file by an older capbot: it was never acknowledged
    }
  }
  return out;
}
