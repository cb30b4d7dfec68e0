// A real browser for the page's tests: Chromium driven by playwright-core. Debian's `chromium` here and in
// .ci/run; on GitHub's Ubuntu runners Google Chrome; CHROME_PATH names any other. When none can be had the
// browser tests are skipped, and say so and why.

import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { CLI, cleanEnv } from "../cli/helpers.js";

const NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** CHROME_PATH, else each name in /usr/bin, then along PATH. */
const CANDIDATES = [
  process.env["CHROME_PATH"],
  ...NAMES.map((name) => join("/usr/bin", name)),
  ...(process.env["PATH"] ?? "")
    .split(delimiter)
    .flatMap((dir) => (dir ? NAMES.map((name) => join(dir, name)) : [])),
].filter((p, i, all): p is string => p !== undefined && p !== "" && all.indexOf(p) === i);

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The browser to drive, or null after saying plainly why the browser tests are skipped. */
export function findBrowser(): string | null {
  const found = CANDIDATES.find(executable) ?? null;
  if (found === null) {
    process.stderr.write(
      `The browser tests are SKIPPED: no Chromium or Chrome found (CHROME_PATH unset; looked for ${NAMES.join(", ")} in /usr/bin and along PATH). Install Debian's chromium (apt-get install chromium) or set CHROME_PATH.\n`,
    );
  }
  return found;
}

/** The flags the issue asks for: headless, no sandbox (containers), no GPU, no background traffic. */
export const BROWSER_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
];

export interface Served {
  /** The page's address, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** SIGTERM, then the exit code (0 when it stopped cleanly). */
  stop(): Promise<number | null>;
}

/** Starts the built `capbot serve --port 0` in `cwd` and waits for the address it prints. */
export function startServe(args: string[], env: Record<string, string>, cwd: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    env: cleanEnv(env),
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (b: Buffer) => {
      stdout += b.toString();
      const url = /at (http:\/\/\S+\/) /.exec(stdout)?.[1];
      const stop = () => {
        child.kill("SIGTERM");
        return exited;
      };
      if (url) resolve({ url, stop });
    });
    exited.then((code) => reject(new Error(`capbot serve exited ${code}: ${stderr}`)));
  });
}
