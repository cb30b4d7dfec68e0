// The `.env` file, read strictly: a line that is not `NAME=value` (or a comment), or a quoted value that
// is never closed, is a configuration error naming the file and the line — never the value, which may
// be a secret — instead of being dropped silently so that a default is used without a word.

import { ConfigError } from "../errors.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** The variables of a .env text. `file` names it in errors. */
export function parseDotEnv(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const fail = (line: number, what: string): never => {
    throw new ConfigError(`The .env file ${file} line ${line} ${what}.`);
  };
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    const line = (lines[i] ?? "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const body = line.replace(/^export\s+/, "");
    const eq = body.indexOf("=");
    if (eq <= 0) fail(start, "is not NAME=value");
    const name = body.slice(0, eq).trim();
    if (!NAME.test(name)) fail(start, "has a name that is not a variable name");
    let rest = body.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote !== '"' && quote !== "'" && quote !== "`") {
      out[name] = rest.replace(/\s+#.*$/, "").trim();
      continue;
    }
    // A quoted value may span lines until its closing quote.
    let value = "";
    rest = rest.slice(1);
    for (;;) {
      const end = closing(rest, quote);
      if (end >= 0) {
        value += rest.slice(0, end);
        const after = rest.slice(end + 1).trim();
        if (after !== "" && !after.startsWith("#")) fail(start, "has text after its closing quote");
        break;
      }
      if (i + 1 >= lines.length) fail(start, "opens a quoted value that is never closed");
      value += `${rest}\n`;
      i++;
      rest = lines[i] ?? "";
    }
    out[name] = quote === '"' ? value.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m) : value;
  }
  return out;
}

/** The index of the quote that closes a value in `text` (a backslash escapes one in double quotes), or -1. */
function closing(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}
