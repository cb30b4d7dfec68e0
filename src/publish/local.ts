// The local publisher: a timeline in a file, for trying capbot without an X account (SPEC §9).
// Each post is one NDJSON line in {dataDir}/outbox.ndjson, written with a single append and fsync,
// so a killed process leaves either the whole line or none (a torn tail is skipped when read).

import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PostRecord } from "../core/types.js";
import { dataDirProblem, nearestExisting } from "../data-dir.js";
import { EXIT, PublishError } from "../errors.js";
import type { Check } from "../store/port.js";
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
  return {
    name: "local",
    // The local timeline takes any text; the configured networks' limits decide.
    textLimit: async () => ({ kind: "utf16", max: Number.MAX_SAFE_INTEGER }),

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
      try {
        await mkdir(dataDir, { recursive: true });
        if (request.chart) {
          line.media = `${id}.png`;
          line.alt = request.chart.alt;
          await writeFile(join(dataDir, line.media), request.chart.png);
        }
        const fh = await open(outbox, "a+");
        try {
          // After a torn last line (a power cut mid-write), start on a new line so this one stays whole.
          const { size } = await fh.stat();
          const last = Buffer.alloc(1);
          if (size > 0) await fh.read(last, 0, 1, size - 1);
          const lead = size > 0 && last[0] !== 0x0a ? "\n" : "";
          await fh.write(`${lead}${JSON.stringify(line)}\n`);
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (err) {
        throw new PublishError(`Could not write the local timeline ${outbox}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      return {
        id,
        time,
        inReplyTo: request.inReplyTo?.id ?? null,
        threadRestarted: false,
        media: line.media ?? null,
        warnings: [],
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

/** The local timeline, oldest first; a line that is not whole JSON (a torn write) is skipped. */
export async function readOutbox(dataDir: string): Promise<OutboxLine[]> {
  let text: string;
  try {
    text = await readFile(join(dataDir, OUTBOX_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: OutboxLine[] = [];
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    try {
      out.push(JSON.parse(raw) as OutboxLine);
    } catch {
      // a torn last line from a killed process: it was never acknowledged
    }
  }
  return out;
}
