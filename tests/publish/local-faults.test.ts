// Issue 10, "all or nothing" on the local timeline: a post counts once its whole line (newline included)
// is written; an unfinished last line left by a short write or a power cut is not a post and is removed
// by the next write instead of staying forever; what a run that died left (temporary files, a chart
// with no line, an empty chart) is cleaned at the next publish; the chart never exists half written.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalPublisher, readOutbox } from "../../src/publish/local.js";
import { intent, request } from "./request.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(): string {
  const d = mkdtempSync(join(tmpdir(), "capbot-local-faults-"));
  dirs.push(d);
  return d;
}

/** A process id that no process has now: one that has just ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

const chart = { png: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), alt: "Bar chart", width: 1200, height: 675 };

describe("the outbox: a post is a whole line", () => {
  it("an unfinished last line is not a post, even when its JSON is whole, and the next write removes it", async () => {
    const dir = folder();
    const p = createLocalPublisher(dir);
    await p.publish(request({ intentId: "i1", text: "first", inReplyTo: null }));
    const outbox = join(dir, "outbox.ndjson");
    const kept = readFileSync(outbox, "utf8");
    // Everything of a line but its newline: the write was cut short before it was acknowledged.
    const unfinished = JSON.stringify({
      id: "x",
      time: "2026-03-02T12:00:00Z",
      in_reply_to: null,
      text: "t",
      intent_id: "i9",
    });
    writeFileSync(outbox, kept + unfinished);
    expect((await readOutbox(dir)).map((l) => l.intent_id)).toEqual(["i1"]);
    expect(await p.reconcile(intent("i9"))).toMatchObject({ status: "failed" });

    const b = await p.publish(request({ intentId: "i2", text: "second", inReplyTo: null }));
    expect(b.warnings).toEqual([
      `removed an unfinished last line (${Buffer.byteLength(unfinished)} bytes) from ${outbox}, left by a write that was cut short`,
    ]);
    const text = readFileSync(outbox, "utf8");
    expect(text.startsWith(kept)).toBe(true);
    expect(text.slice(kept.length)).toBe(`${JSON.stringify((await readOutbox(dir))[1])}\n`);
    expect(text.endsWith("\n")).toBe(true);
    expect(text).not.toContain('"i9"');
  });

  it("an unfinished first line (a file of one torn write) is removed whole", async () => {
    const dir = folder();
    writeFileSync(join(dir, "outbox.ndjson"), '{"id":"torn","te');
    const p = createLocalPublisher(dir);
    const a = await p.publish(request({ intentId: "i1", text: "first", inReplyTo: null }));
    expect(a.warnings[0]).toMatch(/^removed an unfinished last line \(16 bytes\)/);
    expect(readFileSync(join(dir, "outbox.ndjson"), "utf8").split("\n")).toHaveLength(2);
    expect((await readOutbox(dir)).map((l) => l.id)).toEqual([a.id]);
  });

  it("an outbox that is not a file is never read whole (a device would never end)", async () => {
    const dir = folder();
    spawnSync("ln", ["-s", "/dev/zero", join(dir, "outbox.ndjson")]);
    await expect(readOutbox(dir)).rejects.toThrow(
      `The local timeline ${join(dir, "outbox.ndjson")} is not a regular file.`,
    );
  });
});

describe("what a run that died left is cleaned at the next publish", () => {
  it("temporary files of dead processes, charts no line names, and empty charts go; the rest stays", async () => {
    const dir = folder();
    const p = createLocalPublisher(dir);
    const first = await p.publish(request({ intentId: "i1", text: "first", inReplyTo: null, chart }));
    const dead = deadPid();
    const alive = process.ppid;
    const orphan = `${randomUUID()}.png`;
    const empty = `${randomUUID()}.png`;
    const left = [
      `capbot.lock.${dead}.0a1b2c3d.tmp`,
      `capbot.sqlite.${dead}.0a1b2c3d.tmp`,
      `capbot.sqlite.${dead}.0a1b2c3d.tmp-journal`,
      `${randomUUID()}.png.${dead}.0a1b2c3d.tmp`,
      orphan,
      empty,
    ];
    for (const name of left) writeFileSync(join(dir, name), name === empty ? "" : "x");
    const kept = [`capbot.lock.${alive}.0a1b2c3d.tmp`, "notes.txt"];
    for (const name of kept) writeFileSync(join(dir, name), "x");

    const second = await p.publish(request({ intentId: "i2", text: "second", inReplyTo: null, chart }));
    expect(second.warnings).toHaveLength(1);
    expect(second.warnings[0]).toMatch(
      new RegExp(`^removed 6 file\\(s\\) left in ${dir} by a run that stopped: `),
    );
    expect(readdirSync(dir).sort()).toEqual(
      ["outbox.ndjson", `${first.id}.png`, `${second.id}.png`, ...kept].sort(),
    );
  });

  it("a chart belongs to its line: with the outbox deleted its charts go; with it unreadable nothing does", async () => {
    const dir = folder();
    const p = createLocalPublisher(dir);
    const first = await p.publish(request({ intentId: "i1", text: "first", inReplyTo: null, chart }));
    rmSync(join(dir, "outbox.ndjson"));
    const second = await p.publish(request({ intentId: "i2", text: "second", inReplyTo: null }));
    expect(second.warnings).toEqual([
      `removed 1 file(s) left in ${dir} by a run that stopped: ${first.id}.png`,
    ]);

    const orphan = `${randomUUID()}.png`;
    writeFileSync(join(dir, orphan), "x");
    rmSync(join(dir, "outbox.ndjson"));
    mkdirSync(join(dir, "outbox.ndjson"));
    await expect(p.publish(request({ intentId: "i3", text: "third", inReplyTo: null }))).rejects.toThrow(
      /^Could not write the local timeline/,
    );
    expect(readdirSync(dir)).toContain(orphan);
  });

  it("the chart is renamed into place whole: no temporary file stays beside it", async () => {
    const dir = folder();
    const p = createLocalPublisher(dir);
    const r = await p.publish(request({ intentId: "i1", text: "t", inReplyTo: null, chart }));
    expect(readdirSync(dir).sort()).toEqual([`${r.id}.png`, "outbox.ndjson"].sort());
    expect(readFileSync(join(dir, `${r.id}.png`))).toEqual(Buffer.from(chart.png));
  });
});
