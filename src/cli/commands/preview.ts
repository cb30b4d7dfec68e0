// `capbot preview`: a dry run shown as a table of the candidates, then the message (SPEC §9).

import type { Command } from "commander";
import { addRunFlags } from "../flags.js";

export function register(program: Command): void {
  addRunFlags(
    program
      .command("preview")
      .description("show the candidates and the next post without writing anything")
      .option("--chart <file>", "also write the chart of the next post to this PNG file"),
    { chart: false },
  ).action(async (opts: { chart?: string | boolean }, command: Command) =>
    (await import("../actions/preview.js")).preview(opts, command),
  );
}
