// `npm start`, `npm run bench` and the tests' global setup: build only when a source file (or the build
// script) is newer than the built entry, so a second start is instant and a fresh clone still works.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const entry = "dist/cli/main.js";

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let built = 0;
try {
  built = statSync(entry).mtimeMs;
} catch {
  built = 0;
}
const sources = Math.max(newest("src"), statSync("scripts/build.mjs").mtimeMs);
if (process.env.CAPBOT_FORCE_BUILD === "1" || built === 0 || sources > built) {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
}
