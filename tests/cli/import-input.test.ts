// Issue 10, "bounded and exact input": `capbot import` reads regular files only, refuses a line or a
// JSON-array element over 1 MiB without reading the rest of it, a document nested deeper than 100 levels
// and text that is not UTF-8, each named by its line; and an error never carries the file's raw bytes to
// the terminal (a short, escaped excerpt at most). The existing promise stays: a broken line stores
// nothing of its file.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_DEPTH, MAX_DOCUMENT_BYTES } from "../../src/importer.js";
import { openEmbeddedStore } from "../../src/store/embedded.js";
import { CLI, cleanEnv, cli, ejsonCandle, tempDir } from "./helpers.js";

const dir = tempDir("capbot-import-input-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { CAPBOT_DATA_DIR: join(dir, "data") };
const candle = JSON.stringify(ejsonCandle("2026-03-02T11:00:00Z", "binance", "btc", "usdt", "4", "50000"));

let seq = 0;
function file(text: string | Buffer): string {
  const path = join(dir, `input-${seq++}`);
  writeFileSync(path, text);
  return path;
}

async function storedCandles(): Promise<number> {
  const store = await openEmbeddedStore(env.CAPBOT_DATA_DIR, { readonly: true });
  try {
    return await store.countCandles();
  } finally {
    await store.close();
  }
}

/** One clear line on stderr, naming the file, and nothing of the file stored. */
async function refused(path: string, code: number, message: string | RegExp): Promise<string> {
  const before = await storedCandles();
  const r = cli(["import", path, "--into", "ohlcv"], env);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe("");
  const line = r.stderr.trim();
  expect(line.split("\n")).toHaveLength(1);
  expect(line).toContain(path);
  expect(line).toMatch(message);
  expect(await storedCandles()).toBe(before);
  return line;
}

describe("capbot import reads regular files only (a usage error, exit 2)", () => {
  it.each([
    ["/dev/zero", "a device"],
    ["/dev/null", "a device"],
  ])("%s is refused at once", async (path, kind) => {
    await refused(path, 2, `${path} is ${kind}, not a file: capbot import reads regular files only.`);
  });

  it("a folder and a named pipe are refused, the pipe without waiting for a writer", async () => {
    const folder = join(dir, "folder");
    mkdirSync(folder);
    await refused(folder, 2, "is a folder, not a file");
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    await refused(fifo, 2, "is a named pipe, not a file");
  });

  it("a missing file is named in a sentence, not the engine's ENOENT", async () => {
    const line = await refused(join(dir, "absent.ndjson"), 1, "cannot be read: it does not exist.");
    expect(line).not.toContain("ENOENT");
  });

  it("the other files of the command still import", () => {
    const good = file(`${candle}\n`);
    const r = cli(["import", "/dev/zero", good, "--into", "ohlcv"], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`Imported 1 candles from ${good}`);
  });
});

describe("a document is at most 1 MiB", () => {
  it("a line over the limit is refused by its number, without reading the rest of it into memory", async () => {
    // 4 GiB without a newline after line 2 (a sparse file: nothing is really written).
    const path = file(`${candle}\n${candle}\n`);
    const before = await storedCandles();
    truncateSync(path, 4 * 1024 ** 3);
    // The child's peak memory, written when it exits.
    const rssFile = join(dir, "rss");
    const hook = `data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)))`;
    const r = spawnSync(process.execPath, ["--import", hook, CLI, "import", path, "--into", "ohlcv"], {
      env: cleanEnv(env),
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe(
      `capbot: ${path} line 3: the line is longer than 1 MiB, the most one document may take`,
    );
    // Kilobytes: a few MiB of the line are read, never the 4 GiB (nor a string of it).
    expect(Number(readFileSync(rssFile, "utf8"))).toBeLessThan(250 * 1024);
    expect(await storedCandles()).toBe(before);
  });

  it("a line of exactly 1 MiB is read; one byte more is refused", async () => {
    const padded = (bytes: number) => {
      const doc = JSON.parse(candle) as Record<string, unknown>;
      const base = Buffer.byteLength(JSON.stringify({ ...doc, note: "" }));
      return JSON.stringify({
        ...doc,
        note: "é".repeat((bytes - base) / 2) + "x".repeat((bytes - base) % 2),
      });
    };
    const exact = padded(MAX_DOCUMENT_BYTES);
    expect(Buffer.byteLength(exact)).toBe(MAX_DOCUMENT_BYTES);
    const ok = cli(["import", file(`${exact}\n`), "--into", "ohlcv"], env);
    expect(ok.code, ok.stderr).toBe(0);
    await refused(
      file(`${candle}\n${padded(MAX_DOCUMENT_BYTES + 1)}\n`),
      1,
      /line 2: the line is longer than 1 MiB/,
    );
  });

  it("a JSON-array element over the limit is refused by the line it starts on", async () => {
    const big = JSON.stringify({ note: "x".repeat(MAX_DOCUMENT_BYTES) });
    await refused(file(`[\n${candle},\n\n${big}\n]`), 1, /line 4: the element is longer than 1 MiB/);
  });
});

describe("a document is nested at most 100 levels", () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{"n":1${"}".repeat(levels)}`;

  it("5,000 levels of valid JSON are refused in words, not with the engine's stack overflow", async () => {
    const line = await refused(
      file(`${candle}\n${nested(5_000)}\n`),
      1,
      /line 2: nested too deeply \(more than 100 levels\)$/,
    );
    expect(line).not.toMatch(/call stack/i);
    await refused(
      file(`[${candle},\n${nested(5_000)}]`),
      1,
      /line 2: nested too deeply \(more than 100 levels\)$/,
    );
  });

  it("exactly 100 levels are read", () => {
    expect(MAX_DEPTH).toBe(100);
    const r = cli(["import", file(`${nested(100)}\n`), "--into", "posts"], env);
    expect(r.code, r.stderr).toBe(0);
    const a = cli(["import", file(`[${nested(100)}]`), "--into", "posts"], env);
    expect(a.code, a.stderr).toBe(0);
  });

  it("101 levels are refused, strings full of brackets are not levels", async () => {
    await refused(file(`${nested(101)}\n`), 1, /line 1: nested too deeply/);
    const brackets = JSON.stringify({ ...JSON.parse(candle), note: "{[".repeat(500) });
    const r = cli(["import", file(`${brackets}\n`), "--into", "ohlcv"], env);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("text is UTF-8", () => {
  it("invalid UTF-8 rejects its line, named, instead of becoming U+FFFD", async () => {
    const bad = Buffer.concat([
      Buffer.from(`${candle}\n{"note":"`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}\n'),
    ]);
    await refused(file(bad), 1, /line 2: not valid UTF-8 text \(save the file as UTF-8\)$/);
    const array = Buffer.concat([
      Buffer.from(`[${candle},\n\n{"note":"`),
      Buffer.from([0xff]),
      Buffer.from('"}]'),
    ]);
    await refused(file(array), 1, /line 3: not valid UTF-8 text/);
  });

  it("a character split across the reader's chunks is still read whole", async () => {
    // 1 MiB chunks: put a two-byte character across the first boundary.
    const doc = JSON.parse(candle) as Record<string, unknown>;
    const first = JSON.stringify({ ...doc, note: "a".repeat(1_000_000) });
    const filler = "x".repeat((1 << 20) - Buffer.byteLength(`${first}\n`) - 12);
    const text = `${first}\n${JSON.stringify({ ...doc, note: `${filler}ééé` })}\n`;
    const r = cli(["import", file(text), "--into", "ohlcv"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Imported 2 candles");
  });
});

describe("an error quotes a short, escaped excerpt at most, never the raw bytes", () => {
  it("a file that is not JSON gets a sentence, not its first bytes", async () => {
    const shadow = file(
      "root:$6$FAKEsaltFAKE$FAKEhashFAKEhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
    );
    const line = await refused(
      shadow,
      1,
      /line 1: not JSON \(capbot import reads NDJSON, one JSON object per line, or a JSON array\)$/,
    );
    expect(line).not.toContain("FAKE");
    expect(line).not.toContain("root");
    // A picture: its first byte is not UTF-8.
    await refused(
      file(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      1,
      /line 1: not valid UTF-8/,
    );
  });

  it("the machine's /etc/shadow, when this user can read it, prints nothing of it", async () => {
    const r = cli(["import", "/etc/shadow", "--into", "posts"], env);
    if (r.code === 1 && r.stderr.includes("permission denied")) return;
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "capbot: /etc/shadow line 1: not JSON (capbot import reads NDJSON, one JSON object per line, or a JSON array)",
    );
  });

  it("terminal escapes and control characters are shown escaped, and the excerpt is short", async () => {
    const evil = `{"a": "\u001b]0;owned\u0007\u001b[31m\u202e\u0000", ${"x".repeat(500)}`;
    const line = await refused(file(`${candle}\n${evil}\n`), 1, /line 2: not valid JSON near /);
    const raw = [...line].filter(
      (c) => c.charCodeAt(0) < 0x20 || (c >= "\u007f" && c <= "\u009f") || c === "\u202e",
    );
    expect(raw).toEqual([]);
    expect(line).toContain("\\u001b]0;owned\\u0007\\u001b[31m\\u202e\\u0000");
    const excerpt = line.slice(line.indexOf(" near ") + 6);
    expect(excerpt.length).toBeLessThan(120);
    expect(line).not.toContain("x".repeat(100));
  });

  it("a credential in the excerpt is scrubbed", async () => {
    const line = await refused(file(`{"password": "FAKE-hunter2-FAKE", oops}\n`), 1, /not valid JSON near /);
    expect(line).not.toContain("hunter2");
  });
});
