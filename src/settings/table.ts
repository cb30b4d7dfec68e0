// docs/configuration.md's table of every setting, rendered from the registry: the docs cannot name a
// setting that does not exist, or miss one that does (tests/docs/settings-table.test.ts compares them;
// `npm run docs:settings` writes it).

import { type Group, SETTINGS, type Setting } from "./registry.js";
import { flagOf } from "./values.js";

const GROUPS: readonly Group[] = [
  "Store",
  "MongoDB",
  "Publishing",
  "X",
  "Bluesky",
  "Mastodon",
  "Telegram",
  "Choosing the post",
  "Anomaly guard",
  "Running",
  "Schedule and page",
  "Logs",
];

function code(text: string): string {
  return `\`${text}\``;
}

function row(s: Setting<unknown>): string {
  const env = s.env.map(code).join(" or ");
  const flag = s.flag ? code(flagOf(s.flag, s.negated === true)) : "";
  const file = s.file ? code(s.file) : "";
  const meaning = `${s.meaning}${s.secret ? " (secret: never shown, logged or stored)" : ""}`;
  return `| ${env} | ${flag} | ${file} | ${s.shown.replace(/\|/g, "\\|")} | ${s.kind.describe.replace(/\|/g, "\\|")} | ${meaning} |`;
}

/** The Markdown between the settings-table markers. */
export function settingsTable(): string {
  const all = Object.values(SETTINGS) as Setting<unknown>[];
  const sections = GROUPS.map((group) => {
    const rows = all.filter((s) => s.group === group).map(row);
    return [
      `### ${group}`,
      "",
      "| Environment | Flag | Config file key | Default | Value | Meaning |",
      "|---|---|---|---|---|---|",
      ...rows,
    ].join("\n");
  });
  return `${sections.join("\n\n")}\n`;
}
