// `node scripts/screenshot.mjs`: takes docs/serve.png, the operator's page on the demo data, in Chromium
// (CHROME_PATH, else /usr/bin/chromium) driven by playwright-core. In a fresh folder: the demo data at a
// fixed instant, one run that posts to the local timeline (so that there is a thread and a recorded run),
// then `capbot serve --as-of` that instant; the whole page is shot at a desktop width.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli", "main.js");
const AS_OF = "2026-03-02T12:00:00Z";
const OUT = join(ROOT, "docs", "serve.png");

execFileSync(process.execPath, [join(ROOT, "scripts", "build-if-needed.mjs")], { stdio: "inherit" });
const dir = mkdtempSync(join(tmpdir(), "capbot-screenshot-"));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: "silent" };
const capbot = (...args) =>
  execFileSync(process.execPath, [CLI, ...args], { cwd: dir, env, stdio: "ignore" });

let server;
let browser;
try {
  capbot("demo", "--as-of", AS_OF);
  capbot("run", "--as-of", AS_OF);
  server = spawn(process.execPath, [CLI, "serve", "--port", "0", "--as-of", AS_OF], { cwd: dir, env });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (b) => {
      out += b;
      const found = /at (http:\/\/\S+\/) /.exec(out)?.[1];
      if (found) resolve(found);
    });
    server.once("exit", (code) => reject(new Error(`capbot serve exited ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, colorScheme: "light" });
  await page.goto(url);
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));
  await page.screenshot({ path: OUT, fullPage: true });
  process.stdout.write(`Wrote ${OUT}\n`);
} finally {
  await browser?.close();
  server?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
