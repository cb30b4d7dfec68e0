// `capbot import FILE... --into ohlcv|posts`: NDJSON or JSON arrays, MongoDB Extended JSON v2 allowed.
// A file with a line that is not JSON is refused whole; the other files still import.

import { type Command, Option } from "commander";

export function register(program: Command): void {
  program
    .command("import")
    .description("import candles or posts from NDJSON or JSON array files")
    .argument("<files...>", "files to import")
    .addOption(
      new Option("--into <collection>", "where the documents go")
        .choices(["ohlcv", "posts"])
        .default("ohlcv"),
    )
    .action(async (files: string[], opts: { into: "ohlcv" | "posts" }, command: Command) =>
      (await import("../actions/import.js")).importFiles(files, opts, command),
    );
}
