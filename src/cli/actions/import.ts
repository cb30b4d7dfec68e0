// What `capbot import FILE... --into ohlcv|posts` does: NDJSON or JSON arrays, MongoDB Extended JSON v2 allowed.
// A file with a line that is not JSON is refused whole; the other files still import.

import type { Command } from "commander";
import { openStore } from "../../adapters.js";
import { EXIT, exitCodeOf } from "../../errors.js";
import { importFile } from "../../importer.js";
import { contextOrReport } from "../context.js";

export async function importFiles(
  files: string[],
  opts: { into: "ohlcv" | "posts" },
  command: Command,
): Promise<void> {
  const ctx = contextOrReport(command, false);
  if (!ctx) return;
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(ctx.config);
  } catch (err) {
    process.stderr.write(`capbot: ${(err as Error).message}\n`);
    process.exitCode = exitCodeOf(err);
    return;
  }
  const what = opts.into === "ohlcv" ? "candles" : "posts";
  try {
    for (const file of files) {
      try {
        const started = performance.now();
        // Progress only for large files: a line a second, once the import has taken a second.
        let lastReport = performance.now();
        const { count } = await importFile(file, opts.into, store, (done) => {
          const now = performance.now();
          if (now - lastReport < 1000) return;
          lastReport = now;
          process.stderr.write(`${file}: ${done.toLocaleString("en-US")} ${what}…\n`);
        });
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(
          `Imported ${count.toLocaleString("en-US")} ${what} from ${file} in ${seconds.toFixed(1)} s into the ${store.kind} store.\n`,
        );
      } catch (err) {
        process.stderr.write(`capbot: ${(err as Error).message}\n`);
        process.exitCode = exitCodeOf(err) === EXIT.ok ? EXIT.other : exitCodeOf(err);
      }
    }
  } finally {
    await store.close();
  }
}
