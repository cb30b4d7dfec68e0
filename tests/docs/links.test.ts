// The repository stands on its own: every link and image in README.md, CONTRIBUTING.md, CHANGELOG.md and
// docs/ leads to a file of the repository (and to a heading there, when it names one), and nothing in
// them points outside it — no web link (services are named in plain text), no path above the checkout,
// no path of the machine the docs were written on.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");

function markdownFiles(): string[] {
  const files = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"].filter((f) => existsSync(join(ROOT, f)));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) files.push(path);
    }
  };
  walk("docs");
  return files;
}

/** The files of the repository: tracked or new, never ignored (dist/, node_modules/, capbot-data/). */
function repositoryFiles(): Set<string> | null {
  const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (git.status !== 0) return null;
  return new Set(git.stdout.split("\n").filter((line) => line !== ""));
}

/** The text a reader follows links in: fenced blocks and code spans are shown, not followed. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "");
}

function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? "");
  const references = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] ?? "");
  const html = [...text.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g)].map((m) => m[1] ?? "");
  return [...inline, ...references, ...html];
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const withoutCode = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const heading = (match[1] ?? "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    out.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return out;
}

/** What is wrong with one link of `file`, or null when it leads where it says. */
function problemOf(file: string, target: string, files: Set<string> | null): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return "leaves the repository";
  if (target.startsWith("/")) return "is an absolute path";
  const [rawPath = "", anchor] = target.split("#", 2);
  const path = decodeURIComponent(rawPath);
  const resolved = path === "" ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
  const inRepo = relative(ROOT, resolved);
  if (inRepo.startsWith("..")) return "points above the repository";
  const exists =
    files === null
      ? existsSync(resolved)
      : files.has(inRepo) || [...files].some((f) => f.startsWith(`${inRepo.replace(/\/$/, "")}/`));
  if (!exists) return "leads to no file of the repository";
  if (anchor !== undefined && resolved.endsWith(".md")) {
    if (!anchors(readFileSync(resolved, "utf8")).has(anchor)) return `names no heading of ${inRepo}`;
  }
  return null;
}

describe("the docs", () => {
  const files = markdownFiles();
  const repository = repositoryFiles();

  it("are README.md, CONTRIBUTING.md, CHANGELOG.md and the files under docs/", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "CHANGELOG.md"]));
    expect(files.filter((f) => f.startsWith("docs/")).length).toBeGreaterThan(5);
  });

  it.each(files)("%s: every link and image leads to a file of the repository", (file) => {
    const problems = linkTargets(readFileSync(join(ROOT, file), "utf8"))
      .map((target) => ({ target, problem: problemOf(file, target, repository) }))
      .filter((p) => p.problem !== null)
      .map((p) => `${p.target} ${p.problem}`);
    expect(problems).toEqual([]);
  });

  it.each(files)("%s: names no file outside the repository", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8");
    const outside = text.match(/\.\.\/shared|\/work\/|\bSPEC\.md\b|\bARCHITECTURE\.md\b/g) ?? [];
    expect(outside).toEqual([]);
  });
});

describe("the link check itself", () => {
  const files = new Set(["README.md", "docs/a.md", "docs/systemd/x.service"]);

  it("refuses web links, absolute paths and paths above the repository", () => {
    expect(problemOf("README.md", "https://example.com/", files)).toBe("leaves the repository");
    expect(problemOf("README.md", "/etc/passwd", files)).toBe("is an absolute path");
    expect(problemOf("docs/a.md", "../../elsewhere.md", files)).toBe("points above the repository");
    expect(problemOf("docs/a.md", "b.md", files)).toBe("leads to no file of the repository");
  });

  it("accepts files and folders of the repository", () => {
    expect(problemOf("docs/a.md", "../README.md", files)).toBeNull();
    expect(problemOf("README.md", "docs/systemd/", files)).toBeNull();
  });

  it("finds links in prose but not in code", () => {
    const md =
      "See [a](docs/a.md) and ![c](c.png).\n\n```\n[x](nowhere.md)\n```\n`[y](nowhere.md)`\n[r]: docs/r.md\n";
    expect(linkTargets(md)).toEqual(["docs/a.md", "c.png", "docs/r.md"]);
  });

  it("gives headings GitHub's anchors", () => {
    const md = "# Top `capbot run` (SPEC)\n## Exit codes\n## Exit codes\n```\n# not a heading\n```\n";
    expect([...anchors(md)]).toEqual(["top-capbot-run-spec", "exit-codes", "exit-codes-1"]);
  });
});
