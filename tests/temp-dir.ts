// Temporary folders for tests: each is removed when the test that made it finishes, passed or failed, so
// that a suite leaves nothing behind in the system's temp folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** A fresh, empty folder; call it inside a test (the folder lives as long as that test). */
export function tempDir(prefix = "capbot-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
