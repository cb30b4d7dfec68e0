// The local publisher (SPEC §9): one whole NDJSON line per post, found again by its intent id.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalPublisher, readOutbox } from "../../src/publish/local.js";
import { tempDir } from "../temp-dir.js";
import { intent, request } from "./request.js";

describe("local publisher", () => {
  it("appends one line per post with a fresh id, the reply target, the text and the intent id", async () => {
    const dir = tempDir("capbot-local-");
    const p = createLocalPublisher(dir, () => new Date("2026-03-02T12:00:00Z"));
    const a = await p.publish(request({ intentId: "i1", text: "first", inReplyTo: null }));
    const b = await p.publish(request({ intentId: "i2", text: "second", inReplyTo: a.id }));
    expect(a.id).not.toBe(b.id);
    expect(await readOutbox(dir)).toEqual([
      { id: a.id, time: "2026-03-02T12:00:00.000Z", in_reply_to: null, text: "first", intent_id: "i1" },
      { id: b.id, time: "2026-03-02T12:00:00.000Z", in_reply_to: a.id, text: "second", intent_id: "i2" },
    ]);
  });

  it("§8 reconciles a dead run's intent: posted when its line is there, failed when not", async () => {
    const dir = tempDir("capbot-local-");
    const p = createLocalPublisher(dir);
    const a = await p.publish(request({ intentId: "i1", text: "first", inReplyTo: null }));
    expect(await p.reconcile(intent("i1"))).toMatchObject({ status: "posted", id: a.id });
    expect(await p.reconcile(intent("i9"))).toMatchObject({ status: "failed" });
  });

  it("a torn last line is skipped when read, and the next post still gets a whole line", async () => {
    const dir = tempDir("capbot-local-");
    const p = createLocalPublisher(dir);
    await p.publish(request({ intentId: "i1", text: "first", inReplyTo: null }));
    writeFileSync(
      join(dir, "outbox.ndjson"),
      `${readFileSync(join(dir, "outbox.ndjson"), "utf8")}{"id":"torn`,
    );
    const b = await p.publish(request({ intentId: "i2", text: "second", inReplyTo: null }));
    expect((await readOutbox(dir)).map((l) => l.intent_id)).toEqual(["i1", "i2"]);
    expect(await p.reconcile(intent("i2"))).toMatchObject({ status: "posted", id: b.id });
  });

  it("writes the chart beside the outbox as {id}.png and names it in the line", async () => {
    const dir = tempDir("capbot-local-");
    const p = createLocalPublisher(dir);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const r = await p.publish(
      request({
        intentId: "i1",
        text: "t",
        inReplyTo: null,
        chart: { png, alt: "Bar chart", width: 1200, height: 675 },
      }),
    );
    expect(r.media).toBe(`${r.id}.png`);
    expect(readFileSync(join(dir, `${r.id}.png`))).toEqual(Buffer.from(png));
    expect((await readOutbox(dir))[0]).toMatchObject({ media: `${r.id}.png`, alt: "Bar chart" });
  });
});
