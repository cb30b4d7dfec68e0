// `npm run docs:examples`: the command examples in README.md and docs/ are real output of the built CLI.
// Each example is a fenced block right after a marker line naming its command:
//
//   <!-- example: capbot preview --top 8 --as-of 2026-03-02T12:00:00Z -->
//   ```console
//   $ capbot preview --top 8 --as-of 2026-03-02T12:00:00Z
//   …the output…
//   ```
//
// A command may start with NAME=value words, its own environment, as in a shell.
// The script plays one fixed session (SESSION below) in a fresh folder with a clean environment, on the
// demo data at a fixed instant, and writes each command's output into every block that names it; with
// `--check` it writes nothing and exits 1 when a block differs from what the build prints today.
// What varies from one session to the next is replaced by fixed stand-ins: the temporary folder, the
// random post ids (UUIDs) and the wall-clock time at which a post was made. Log lines on stderr are
// left out (LOG_LEVEL=silent); a command's own sentences on stderr are kept.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli", "main.js");
/** Where the examples pretend to have been run: a checkout in a person's home, not a temp folder. */
const SHOWN_DIR = "/home/me/capbot";
/** The instant the demo data ends at, and the as-of of every example that does not name another. */
const AS_OF = "2026-03-02T12:00:00Z";

/**
 * The session, in order: later commands see what earlier ones wrote (the post of `run` is in `history`).
 * A marker must name one of these commands exactly.
 */
const SESSION = [
  `capbot demo --as-of ${AS_OF}`,
  `capbot doctor --as-of ${AS_OF}`,
  `capbot preview --top 8 --as-of ${AS_OF}`,
  `capbot run --dry-run --as-of ${AS_OF}`,
  `capbot run --as-of ${AS_OF}`,
  "capbot run --pair BTC-USD --as-of 2026-03-02T13:00:00Z",
  "capbot history",
  "capbot history --pair BTC-USD",
  "CAPBOT_TOP=ten capbot preview",
  "capbot run --dry-run --as-of 2026-03-05T12:00:00Z",
  // Faults an operator may meet, each as its sentence and exit code (docs/faults.md, configuration.md).
  "CAPBOT_MAX_POSTS_PER_DAY=2 capbot run --as-of 2026-03-02T14:00:00Z",
  "CAPBOT_DATA_DIR=capbot-data/capbot.sqlite capbot history",
  "capbot import /dev/zero",
  "BLUESKY_IDENTIFIER=capbot.example.com BLUESKY_APP_PASSWORD=fake-app-password CAPBOT_LOCK_LEASE=1m capbot run",
  "X_TIMEOUT=banana capbot preview",
  "capbot run --as-of 2026-02-30",
];

const MARKER = /(<!-- example: ((?:[A-Z_]+=\S* )*capbot [^\n]*?) -->\n```[^\n]*\n)([\s\S]*?)(```)/g;

/** README.md, CONTRIBUTING.md and every Markdown file under docs/. */
function docFiles() {
  const files = ["README.md", "CONTRIBUTING.md"].filter((f) => existsSync(join(ROOT, f)));
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) files.push(path);
    }
  };
  walk("docs");
  return files;
}

/** A UUID that looks like any other but is the same in every session: the n-th id met gets the n-th. */
function standInUuid(n) {
  const hex = createHash("sha256").update(`capbot docs example ${n}`).digest("hex");
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * When each post of the session was made, by the wall clock, and the stand-in shown instead: one minute
 * after the as-of of the command that made it (a run at 12:01 of the window that ends at 12:00).
 */
function postTimes(dir, clock) {
  const outbox = join(dir, "capbot-data", "outbox.ndjson");
  if (!existsSync(outbox)) return [];
  return readFileSync(outbox, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const real = Date.parse(JSON.parse(line).time);
      const command = SESSION[clock.findIndex(([start, end]) => real >= start && real <= end)] ?? "";
      const asOf = /--as-of (\S+)/.exec(command)?.[1] ?? AS_OF;
      return { real: new Date(real), shown: new Date(Date.parse(asOf) + 60_000) };
    });
}

/** A time in every shape the CLI prints one: ISO with milliseconds, to the second, to the minute. */
function shapes(date) {
  const iso = date.toISOString();
  const seconds = iso.slice(0, 19);
  const minutes = iso.slice(0, 16);
  return [iso, `${seconds}Z`, seconds, seconds.replace("T", " "), minutes, minutes.replace("T", " ")];
}

/** Replaces the session's variable parts: the folder, the random post ids, the wall-clock post times. */
function normaliser(dirs, times) {
  const ids = new Map();
  // Each shape of a real time maps to one stand-in; a shape two posts share (two posts in one minute,
  // printed to the minute) cannot be told apart and must not be printed.
  const replacements = new Map();
  for (const { real, shown } of times) {
    const to = shapes(shown);
    shapes(real).forEach((from, i) => {
      const known = replacements.get(from);
      replacements.set(from, known === undefined || known === to[i] ? to[i] : null);
    });
  }
  // Longest shapes first, so that a time to the minute never eats the start of one to the second.
  const ordered = [...replacements].sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let out = text;
    for (const dir of dirs) out = out.split(dir).join(SHOWN_DIR);
    out = out.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, (id) => {
      if (!ids.has(id)) ids.set(id, standInUuid(ids.size + 1));
      return ids.get(id);
    });
    for (const [from, to] of ordered) {
      if (!out.includes(from)) continue;
      if (to === null)
        throw new Error(`Two posts of the session share the time ${from} as printed: move them apart.`);
      out = out.split(from).join(to);
    }
    return out;
  };
}

/** Plays the session and returns each command's block text (`$ command`, output, exit code if not 0). */
function playSession() {
  if (!existsSync(CLI)) throw new Error("dist/cli/main.js is missing: run `npm run build` first.");
  const dir = mkdtempSync(join(tmpdir(), "capbot-docs-"));
  const env = { PATH: process.env.PATH, HOME: dir, TZ: "UTC", LOG_LEVEL: "silent", NO_COLOR: "1" };
  const clock = [];
  const raw = [];
  let times;
  try {
    for (const command of SESSION) {
      // A post to the second is printed to the second: each posting command starts in a second of its own.
      if (/\bcapbot run\b/.test(command) && !command.includes("--dry-run")) sleepToNextSecond();
      const start = Date.now();
      // Leading NAME=value words are the command's own environment, as in a shell.
      const words = command.split(" ");
      const own = words.slice(0, words.indexOf("capbot")).map((w) => w.split(/=(.*)/s).slice(0, 2));
      const r = spawnSync(process.execPath, [CLI, ...words.slice(words.indexOf("capbot") + 1)], {
        cwd: dir,
        env: { ...env, ...Object.fromEntries(own) },
        encoding: "utf8",
        timeout: 120_000,
      });
      clock.push([start, Date.now()]);
      if (r.error) throw r.error;
      raw.push({ command, output: `${r.stdout}${r.stderr}`.trimEnd(), code: r.status });
    }
    times = postTimes(dir, clock);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const normalise = normaliser([realDir(dir), dir], times);
  return new Map(
    raw.map(({ command, output, code }) => {
      const lines = [`$ ${command}`, normalise(output)].filter((l) => l !== "");
      if (code !== 0) lines.push("$ echo $?", String(code));
      return [command, `${lines.join("\n")}\n`];
    }),
  );
}

function sleepToNextSecond() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000 - (Date.now() % 1000) + 5);
}

/** The folder as the CLI prints it (a temp folder may be reached through a symbolic link, as on macOS). */
function realDir(dir) {
  return join(realpathSync.native(tmpdir()), relative(tmpdir(), dir));
}

function main() {
  const check = process.argv.includes("--check");
  const blocks = playSession();
  const stale = [];
  const unknown = [];
  for (const file of docFiles()) {
    const path = join(ROOT, file);
    const text = readFileSync(path, "utf8");
    const updated = text.replace(MARKER, (all, head, command, body, tail) => {
      const block = blocks.get(command);
      if (block === undefined) {
        unknown.push(`${file}: ${command}`);
        return all;
      }
      if (block !== body) stale.push(`${file}: ${command}`);
      return `${head}${block}${tail}`;
    });
    if (!check && updated !== text) writeFileSync(path, updated);
  }
  if (unknown.length > 0) {
    process.stderr.write(
      `These examples name a command the session does not play (add it to SESSION in scripts/docs-examples.mjs):\n  ${unknown.join("\n  ")}\n`,
    );
    process.exitCode = 2;
    return;
  }
  if (check && stale.length > 0) {
    process.stderr.write(
      `These examples differ from what the build prints today (run npm run docs:examples):\n  ${stale.join("\n  ")}\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    check ? "The docs' command examples match the build.\n" : `Examples written (${stale.length} changed).\n`,
  );
}

main();
