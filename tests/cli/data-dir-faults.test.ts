// Issue 10, "all or nothing" and "bounded and exact": CAPBOT_DATA_DIR pointing at a file is one clear
// sentence and exit 5 for every command that uses the store; a `capbot.sqlite` that capbot did not make
// (empty, not SQLite, another program's SQLite) is an error, never overwritten nor filled with demo
// data; and a store that cannot be opened because the process ran out of file descriptors says so.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.js";

const dir = tempDir("capbot-data-dir-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The commands that use the store, each as an operator would run it. */
function commands(): [string, string[]][] {
  const input = join(dir, "input.ndjson");
  writeFileSync(input, '{"a":1}\n');
  return [
    ["run", ["run"]],
    ["run --json", ["run", "--json"]],
    ["doctor", ["doctor"]],
    ["history", ["history"]],
    ["import", ["import", input, "--into", "posts"]],
    ["demo", ["demo"]],
  ];
}

/**
 * The command's sentence: its one `capbot:` line on stderr (the logs are JSON lines beside it), the
 * JSON object's error, or doctor's one failed check with its fix.
 */
function sentence(args: string[], r: { stdout: string; stderr: string }): string {
  if (args.includes("--json")) return (JSON.parse(r.stdout) as { error: string }).error;
  if (args[0] === "doctor") {
    // The store's check fails first (its exit code is doctor's); the local timeline's may say the same.
    const failed = r.stdout.split("\n").filter((l) => l.startsWith("✘"));
    expect(failed[0], r.stdout).toMatch(/^✘ store reachable: /);
    const fix = /^ {4}fix: (.*)$/m.exec(r.stdout)?.[1];
    return `${failed[0]?.replace(/^✘ [^:]+: /, "")}: ${fix}`;
  }
  const said = r.stderr.split("\n").filter((l) => l.startsWith("capbot: "));
  expect(said, r.stderr).toHaveLength(1);
  return said[0] ?? "";
}

describe("CAPBOT_DATA_DIR pointing at a file", () => {
  const file = join(dir, "not-a-folder");
  writeFileSync(file, "precious\n");

  it.each(commands())("%s says one clear sentence and exits 5", (_name, args) => {
    for (const [dataDir, where] of [
      [file, `${file} is a file`],
      [join(file, "deeper"), `${file}, a part of ${join(file, "deeper")}, is a file`],
    ] as const) {
      const r = cli(args, { CAPBOT_DATA_DIR: dataDir });
      expect(r.code, `${r.stdout}${r.stderr}`).toBe(5);
      const said = sentence(args, r);
      expect(said).toContain(
        `CAPBOT_DATA_DIR must be a folder, and ${where}: point CAPBOT_DATA_DIR at a folder`,
      );
      expect(said).not.toMatch(/EEXIST|ENOTDIR|mkdir/);
      expect(r.stdout).not.toContain("No posts yet");
      expect(r.stdout).not.toContain("is writable");
      expect(readFileSync(file, "utf8")).toBe("precious\n");
    }
  });
});

describe("a capbot.sqlite that capbot did not make", () => {
  const cases: [string, (path: string) => void, string][] = [
    ["an empty file", (path) => writeFileSync(path, ""), "it is empty (0 bytes)"],
    [
      "a text file",
      (path) => writeFileSync(path, "not a database at all, just words\n".repeat(200)),
      "it is not an SQLite database",
    ],
    [
      "another program's SQLite database",
      (path) => {
        const db = new Database(path);
        db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
        db.close();
      },
      "it is an SQLite database of another program",
    ],
  ];

  it.each(cases)(
    "%s is an error for every command, and is never overwritten or filled",
    (_what, make, what) => {
      const dataDir = join(dir, `store-${Math.random().toString(16).slice(2)}`);
      mkdirSync(dataDir);
      const path = join(dataDir, "capbot.sqlite");
      make(path);
      const before = readFileSync(path);
      for (const [, args] of commands()) {
        const r = cli(args, { CAPBOT_DATA_DIR: dataDir });
        expect(r.code, `${args.join(" ")}: ${r.stdout}${r.stderr}`).toBe(5);
        expect(sentence(args, r)).toContain(
          `${path} is not a capbot store (${what}), and capbot never overwrites it`,
        );
        expect(readFileSync(path).equals(before), `${args.join(" ")} changed the file`).toBe(true);
      }
      expect(statSync(path).size).toBe(before.length);
    },
  );

  it("a new folder still gets a store on the first run (made whole, then put in place)", () => {
    const dataDir = join(dir, "fresh");
    const r = cli(["run", "--json"], { CAPBOT_DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe("posted");
    const left = spawnSync("ls", ["-a", dataDir], { encoding: "utf8" }).stdout;
    expect(left).not.toMatch(/\.tmp/);
  });
});

describe("a process out of file descriptors", () => {
  it("says 'too many open files' instead of only SQLite's 'unable to open database file'", () => {
    const dataDir = join(dir, "descriptors");
    const made = cli(["demo"], { CAPBOT_DATA_DIR: dataDir });
    expect(made.code, made.stderr).toBe(0);
    const script = `
      import { openSync } from "node:fs";
      const { openEmbeddedStore } = await import(${JSON.stringify(join(process.cwd(), "dist/store/embedded.js"))});
      const store = await openEmbeddedStore(${JSON.stringify(dataDir)});
      try { for (;;) openSync("/dev/null", "r"); } catch {}
      for (const step of [
        () => store.insertIntent({ time: new Date(), pair: "BTC-USDT", tweetText: "t", inReplyTo: null, publisher: "local", runId: "r" }),
        () => openEmbeddedStore(${JSON.stringify(dataDir)}),
      ]) {
        try { await step(); console.log("succeeded"); } catch (err) { console.log(err.message); }
      }
    `;
    const r = spawnSync(
      "sh",
      ["-c", 'ulimit -n 64 && exec "$@"', "sh", process.execPath, "--input-type=module", "-e", script],
      {
        encoding: "utf8",
      },
    );
    const lines = r.stdout.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(
        /^The embedded store .* could not (record the intent|be opened): unable to open database file: this process has too many open files/,
      );
    }
  });
});
