// The GitHub Actions workflow that posts every hour: its triggers, secrets, concurrency and steps.
// No YAML package is installed, so a small reader of the block style the workflow uses (mappings,
// sequences, plain and quoted scalars, comments) turns it into plain data.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

type Yaml = string | boolean | number | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
}

function scalar(raw: string): Yaml {
  const s = raw.trim();
  if (/^".*"$/.test(s)) return JSON.parse(s) as string;
  if (/^'.*'$/.test(s)) return s.slice(1, -1).replace(/''/g, "'");
  if (s === "true" || s === "false") return s === "true";
  if (s === "" || s === "~" || s === "null") return null;
  if (/^-?\d+$/.test(s)) return Number(s);
  return s;
}

/** Drops a trailing comment that is outside quotes and outside `${{ }}` expressions. */
function stripComment(text: string): string {
  const m = /(^|\s)#/.exec(text.replace(/"[^"]*"|'[^']*'/g, (q) => " ".repeat(q.length)));
  return (m ? text.slice(0, m.index) : text).trimEnd();
}

function parseYaml(source: string): Yaml {
  const lines: Line[] = source
    .split("\n")
    .map((l) => ({ indent: l.length - l.trimStart().length, text: stripComment(l.trim()) }))
    .filter((l) => l.text !== "");
  let i = 0;

  const block = (indent: number): Yaml => {
    const first = lines[i];
    if (!first || first.indent < indent) return null;
    return first.text.startsWith("- ") || first.text === "-" ? sequence(first.indent) : mapping(first.indent);
  };

  const mapping = (indent: number, into: { [key: string]: Yaml } = {}): { [key: string]: Yaml } => {
    while (i < lines.length && lines[i]!.indent === indent && !lines[i]!.text.startsWith("- ")) {
      const { text } = lines[i]!;
      const colon = text.search(/:(\s|$)/);
      if (colon < 0) throw new Error(`not a mapping entry: ${text}`);
      const key = String(scalar(text.slice(0, colon)));
      const rest = text.slice(colon + 1).trim();
      i += 1;
      into[key] = rest === "" ? block(indent + 1) : scalar(rest);
    }
    return into;
  };

  const sequence = (indent: number): Yaml[] => {
    const out: Yaml[] = [];
    while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith("-")) {
      const item = lines[i]!.text.slice(1).trim();
      if (item === "") {
        i += 1;
        out.push(block(indent + 1));
      } else if (/^[^"'][^:]*:(\s|$)/.test(item)) {
        // "- key: value" opens a mapping whose other keys sit under the first key.
        const itemIndent = indent + 2;
        lines[i] = { indent: itemIndent, text: item };
        out.push(mapping(itemIndent));
      } else {
        i += 1;
        out.push(scalar(item));
      }
    }
    return out;
  };

  return block(0);
}

type Obj = { [key: string]: Yaml };
const obj = (v: Yaml | undefined): Obj => {
  if (v === null || v === undefined || typeof v !== "object" || Array.isArray(v))
    throw new Error("not a mapping");
  return v;
};

const workflow = obj(parseYaml(readFileSync(".github/workflows/post.yml", "utf8")));
const job = obj(obj(workflow["jobs"])["post"]);
const steps = (job["steps"] as Yaml[]).map(obj);

describe("the posting workflow", () => {
  it("the reader understands the shapes it is used on", () => {
    expect(parseYaml("a: 1\nb:\n  - x: 'y' # c\n    z: true\n  - plain\n")).toEqual({
      a: 1,
      b: [{ x: "y", z: true }, "plain"],
    });
  });

  it("runs every hour, at minute 0", () => {
    const on = obj(workflow["on"]);
    expect(on["schedule"]).toEqual([{ cron: "0 * * * *" }]);
  });

  it("can be started by hand with a boolean dry-run input", () => {
    const dispatch = obj(obj(workflow["on"])["workflow_dispatch"]);
    const input = obj(obj(dispatch["inputs"])["dry-run"]);
    expect(input["type"]).toBe("boolean");
    expect(input["default"]).toBe(false);
  });

  it("never runs two posting jobs at once, and never cancels one in progress", () => {
    expect(workflow["concurrency"]).toEqual({ group: "capbot-post", "cancel-in-progress": false });
  });

  it("may only read the repository", () => {
    expect(workflow["permissions"]).toEqual({ contents: "read" });
  });

  it("has a time limit that four publishes within half the default lease each fit in", () => {
    expect(job["timeout-minutes"]).toBe(30);
  });

  it("maps the challenge's secrets, and every network's, to the environment under the same names", () => {
    const env = obj(job["env"]);
    const names = [
      "TW_CONSUMER_KEY",
      "TW_CONSUMER_KEY_SECRET",
      "TW_ACCESS_TOKEN",
      "TW_ACCESS_TOKEN_SECRET",
      "MONGODB_USER",
      "MONGODB_PASSWORD",
      "MONGO_DB_ADDRESS",
      "BLUESKY_IDENTIFIER",
      "BLUESKY_APP_PASSWORD",
      "MASTODON_URL",
      "MASTODON_ACCESS_TOKEN",
      "TELEGRAM_BOT_TOKEN",
      "TELEGRAM_CHAT_ID",
    ];
    for (const name of names) expect(env[name]).toBe(`\${{ secrets.${name} }}`);
  });

  it("sets up Node 22 with the npm cache, installs, builds and runs capbot", () => {
    const setupNode = steps.find((s) => String(s["uses"]).startsWith("actions/setup-node@"));
    expect(obj(setupNode?.["with"])).toMatchObject({ "node-version": 22, cache: "npm" });
    const runs = steps.filter((s) => typeof s["run"] === "string").map((s) => s["run"] as string);
    expect(runs.slice(0, 2)).toEqual(["npm ci", "npm run build"]);
    expect(runs[2]).toMatch(/^node dist\/cli\/main\.js run /);
    expect(steps.findIndex((s) => String(s["uses"]).startsWith("actions/checkout@"))).toBe(0);
  });

  it("adds --dry-run exactly when the input is true", () => {
    const run = steps
      .map((s) => s["run"])
      .find((r) => typeof r === "string" && r.includes("main.js run")) as string;
    expect(run).toMatch(/ \$\{\{ inputs\.dry-run && '--dry-run' \|\| '' \}\}$/);
  });
});
