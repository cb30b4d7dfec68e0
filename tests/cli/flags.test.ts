// Every setting the registry gives a flag is a flag some command takes (docs/configuration.md's table
// names them): a flag in the table that every command refuses with "unknown option" is a broken promise.

import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/settings/registry.js";
import { flagOf } from "../../src/settings/values.js";
import { CLI, cli, tempDir } from "./helpers.js";

const COMMANDS = ["run", "preview", "import", "demo", "doctor", "schedule", "history", "serve"];

describe("the settings' flags", () => {
  it("every flag of the settings table is taken by at least one command", () => {
    const cwd = tempDir("capbot-flags-");
    const help = [cli(["--help"], {}, cwd).stdout];
    for (const command of COMMANDS) help.push(cli([command, "--help"], {}, cwd).stdout);
    const taken = new Set(help.join("\n").match(/--[a-z][a-z-]*/g));

    const missing = Object.values(SETTINGS)
      .filter((s) => s.flag !== undefined)
      .map((s) => flagOf(s.flag as string, s.negated === true))
      .filter((flag) => !taken.has(flag));
    expect(missing, `${CLI}: flags no command takes`).toEqual([]);
  });
});
