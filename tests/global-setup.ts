// Bundles dist/ once before the suites that run the real CLI as a child process (when src/ is newer).
// Type errors are reported by `npm run typecheck`; here the bundled JavaScript is what matters.
import { spawnSync } from "node:child_process";

export default function setup(): void {
  spawnSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });
}
