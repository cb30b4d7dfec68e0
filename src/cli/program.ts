// capbot's command line: parses flags, hands each command to its module, sets the exit code.
// Sub-commands load their heavy modules themselves, so `capbot --help` starts fast.

import { Command } from "commander";
import { exitCodeOf } from "../errors.js";
import { scrubProcessOutput } from "../secrets.js";
import { register as registerDemo } from "./commands/demo.js";
import { register as registerDoctor } from "./commands/doctor.js";
import { register as registerHistory } from "./commands/history.js";
import { register as registerImport } from "./commands/import.js";
import { register as registerPreview } from "./commands/preview.js";
import { register as registerRun } from "./commands/run.js";
import { register as registerSchedule } from "./commands/schedule.js";
import { register as registerServe } from "./commands/serve.js";

// Whatever reaches stdout or stderr, from capbot or a library, passes the secret scrubber (SPEC §9).
scrubProcessOutput();

const program = new Command()
  .name("capbot")
  .description(
    "Posts which trading venues dominate the volume of one crypto pair — one thread per pair on X, Bluesky, Mastodon and Telegram.",
  )
  .version("0.1.0")
  .option("--config <file>", "a JSON config file (default ./capbot.config.json when present)")
  .option("--data-dir <dir>", "the embedded store's and local timeline's folder (CAPBOT_DATA_DIR)")
  .option("--log-level <level>", "trace, debug, info, warn, error or silent (LOG_LEVEL)")
  .showHelpAfterError()
  .exitOverride((err) => {
    // Usage errors are exit 2 (SPEC §9); --help and --version stay 0. Under --json a program reads
    // stdout, so the error is also said there, as the one JSON object.
    if (err.exitCode !== 0 && process.argv.includes("--json")) {
      process.stdout.write(
        `${JSON.stringify({ status: "error", error: err.message.replace(/^error: /, "") })}\n`,
      );
    }
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

for (const register of [
  registerRun,
  registerPreview,
  registerImport,
  registerDemo,
  registerDoctor,
  registerSchedule,
  registerHistory,
  registerServe,
]) {
  register(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Commands report their own failures; this is the last word on anything unforeseen: one sentence,
  // never a stack trace (LOG_LEVEL=debug shows it).
  process.stderr.write(`capbot: ${(err as Error).message}\n`);
  if (process.env["LOG_LEVEL"] === "debug" || process.env["LOG_LEVEL"] === "trace") console.error(err);
  process.exitCode = exitCodeOf(err);
}
