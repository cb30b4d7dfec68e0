// The embedded lock file when writing it fails half-way (a full disk): the error reaches the run, and
// the half-written temporary file beside the lock does not stay behind. node:fs is wrapped so that the
// writing of the lease alone fails, as ENOSPC would: before the temporary file exists, or after.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";

const failing = vi.hoisted(() => ({ write: false, rename: false }));

function noSpace(): Error {
  return Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
}

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const renameSync: typeof fs.renameSync = (from, to) => {
    if (failing.rename && String(to).endsWith("capbot.lock")) {
      throw noSpace();
    }
    fs.renameSync(from, to);
  };
  const writeFileSync: typeof fs.writeFileSync = (file, data, options) => {
    if (failing.write && String(file).endsWith(".tmp")) throw noSpace();
    fs.writeFileSync(file, data, options);
  };
  return { ...fs, default: { ...fs, renameSync, writeFileSync }, renameSync, writeFileSync };
});

const { openEmbeddedStore } = await import("../../src/store/embedded.js");

const dir = mkdtempSync(join(tmpdir(), "capbot-lock-write-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("embedded lock: a write that fails", () => {
  for (const step of ["write", "rename"] as const) {
    it(`§8 failing at the ${step}: the disk's error is thrown, and no lease and no temporary file are left`, async () => {
      const store = await openEmbeddedStore(dir);
      failing[step] = true;
      await expect(store.acquireLock("run-a", 60_000, new Date())).rejects.toThrow(/ENOSPC/);
      failing[step] = false;
      expect(readdirSync(dir).filter((name) => name.startsWith("capbot.lock"))).toEqual([]);
      expect(await store.lockInfo()).toBeNull();
      await store.close();
    });
  }
});
