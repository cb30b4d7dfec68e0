// Temporary folders for tests: each is removed when the test that made it finishes, passed or failed, so
// that a suite leaves nothing behind in the system's temp folder. A folder made outside a test (in a
// describe block or a hook, shared by several tests) is removed when the test process exits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** A fresh, empty folder, removed after the test that made it (or, made outside a test, at exit). */
export function tempDir(prefix = "capbot-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    process.once("exit", remove);
  }
  return dir;
}
