// The kinds of value a setting takes, each with the one parser that reads it from wherever it was set
// (a flag, the environment, .env — always text — or the JSON config file) and the words that describe
// it in an error and in the docs. A parser throws Invalid with what was expected, never echoing the value.

import { parseDuration } from "../core/duration.js";

/** What a value should have looked like; the loader adds the setting's name and where it was set. */
export class Invalid extends Error {}

export interface Kind<T> {
  /** For the docs' table: "duration", "whole number 1–50", "on or off", … */
  readonly describe: string;
  parse(value: unknown): T;
}

/** Text as set, trimmed; a JSON number in the config file reads as its digits. */
function textOf(value: unknown, expected: string): string {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new Invalid(expected);
}

export function text(
  options: { maxLength?: number; pattern?: RegExp; expected?: string } = {},
): Kind<string> {
  const maxLength = options.maxLength ?? 1_000;
  const expected = options.expected ?? `must be text of at most ${maxLength} characters`;
  return {
    describe: "text",
    parse(value) {
      const t = textOf(value, expected);
      if (t === "" || t.length > maxLength || (options.pattern && !options.pattern.test(t)))
        throw new Invalid(expected);
      return t;
    },
  };
}

/** A credential: any non-empty text without spaces or line breaks; never shown. */
export const secret: Kind<string> = {
  describe: "secret",
  parse(value) {
    const t = textOf(value, "must be one word without spaces");
    if (t === "" || t.length > 4_096 || /\s/.test(t)) throw new Invalid("must be one word without spaces");
    return t;
  },
};

export function choice<T extends string>(allowed: readonly T[]): Kind<T> {
  const expected = `must be one of ${allowed.join(", ")}`;
  return {
    describe: allowed.join(" | "),
    parse(value) {
      const t = textOf(value, expected).toLowerCase();
      if (!(allowed as readonly string[]).includes(t)) throw new Invalid(expected);
      return t as T;
    },
  };
}

export function integer(min: number, max: number): Kind<number> {
  const expected = `must be a whole number from ${min} to ${max}`;
  return {
    describe: `whole number ${min}–${max}`,
    parse(value) {
      const t = textOf(value, expected);
      const n = /^[0-9]+$/.test(t) ? Number(t) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) throw new Invalid(expected);
      return n;
    },
  };
}

/** A plain decimal number in (min, max]. */
export function decimal(min: number, max: number): Kind<number> {
  const expected = `must be a number above ${min} and at most ${max}`;
  return {
    describe: `number above ${min}`,
    parse(value) {
      const t = textOf(value, expected);
      const n = /^[0-9]+(?:\.[0-9]+)?$/.test(t) ? Number(t) : Number.NaN;
      if (!Number.isFinite(n) || n <= min || n > max) throw new Invalid(expected);
      return n;
    },
  };
}

/** A percentage written `10%` (the sign may be left out): the fraction, 0.10. */
export function percent(max: number): Kind<number> {
  const expected = `must be a percentage above 0% and at most ${max}%, like 10%`;
  return {
    describe: "percentage",
    parse(value) {
      const t = textOf(value, expected).replace(/%$/, "").trim();
      const n = /^[0-9]+(?:\.[0-9]+)?$/.test(t) ? Number(t) : Number.NaN;
      if (!Number.isFinite(n) || n <= 0 || n > max) throw new Invalid(expected);
      return n / 100;
    },
  };
}

const DAY_MS = 86_400_000;

/** A duration like `90m`, `24h`, `7d` (or `1h 30m`) between two bounds, in milliseconds. */
export function duration(minMs: number, maxMs: number): Kind<number> {
  const expected = `must be a duration like 90m, 24h or 7d, from ${human(minMs)} to ${human(maxMs)}`;
  return {
    describe: "duration",
    parse(value) {
      const ms = parseDuration(textOf(value, expected));
      if (ms === null || ms < minMs || ms > maxMs) throw new Invalid(expected);
      return ms;
    },
  };
}

/** A duration, or `off` (null). */
export function durationOrOff(minMs: number, maxMs: number): Kind<number | null> {
  const expected = `must be a duration like 3h, from ${human(minMs)} to ${human(maxMs)}, or off`;
  return {
    describe: "duration or off",
    parse(value) {
      if (value === false || (typeof value === "string" && value.trim().toLowerCase() === "off")) return null;
      const ms = parseDuration(textOf(value, expected));
      if (ms === null || ms < minMs || ms > maxMs) throw new Invalid(expected);
      return ms;
    },
  };
}

function human(ms: number): string {
  if (ms === 0) return "0s";
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

export const onOff: Kind<boolean> = {
  describe: "on or off",
  parse(value) {
    if (typeof value === "boolean") return value;
    const t = textOf(value, "must be on or off").toLowerCase();
    if (["1", "true", "on", "yes"].includes(t)) return true;
    if (["0", "false", "off", "no"].includes(t)) return false;
    throw new Invalid("must be on or off");
  },
};

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * An https:// URL without credentials, query or fragment; returned without a trailing slash. With
 * `loopbackHttp`, plain http:// is accepted for this machine only (a local server: nothing leaves it).
 */
function webUrl(loopbackHttp: boolean): Kind<string> {
  const expected = loopbackHttp
    ? "must be an https:// URL like https://example.com (or http:// on this machine, like http://127.0.0.1:8081)"
    : "must be an https:// URL like https://example.com";
  return {
    describe: loopbackHttp ? "https:// URL (http:// on this machine)" : "https:// URL",
    parse(value) {
      const t = textOf(value, expected);
      let url: URL;
      try {
        url = new URL(t);
      } catch {
        throw new Invalid(expected);
      }
      const secure =
        url.protocol === "https:" || (loopbackHttp && url.protocol === "http:" && LOOPBACK.has(url.hostname));
      if (!secure || url.username || url.password || url.search || url.hash) {
        throw new Invalid(`${expected}, without user, password, query or fragment`);
      }
      return t.replace(/\/+$/, "");
    },
  };
}

export const httpsUrl: Kind<string> = webUrl(false);
export const localOrHttpsUrl: Kind<string> = webUrl(true);

/** A comma list of names from `allowed`, without repeats (an array in the config file). */
export function list<T extends string>(allowed: readonly T[]): Kind<T[]> {
  const expected = `must be a comma list of ${allowed.join(", ")}`;
  return {
    describe: `comma list of ${allowed.join(", ")}`,
    parse(value) {
      const items = Array.isArray(value) ? value : textOf(value, expected).split(",");
      const out: T[] = [];
      for (const item of items) {
        const name = typeof item === "string" ? item.trim().toLowerCase() : "";
        if (name === "" && typeof item === "string" && items.length > 1) continue;
        if (!(allowed as readonly string[]).includes(name)) throw new Invalid(expected);
        if (!out.includes(name as T)) out.push(name as T);
      }
      if (out.length === 0) throw new Invalid(expected);
      return out;
    },
  };
}

/** `key=value,key2=value2` (an object in the config file): keys lower-cased, values trimmed to one line. */
export function map<V>(value: Kind<V>, keys?: readonly string[]): Kind<Record<string, V>> {
  const expected = keys
    ? `must look like ${keys[0]}=…,${keys[1] ?? keys[0]}=… with names from ${keys.join(", ")}`
    : "must look like name=value,name2=value2";
  return {
    describe: "name=value list",
    parse(raw) {
      const entries: [string, unknown][] =
        typeof raw === "object" && raw !== null && !Array.isArray(raw)
          ? Object.entries(raw)
          : textOf(raw, expected)
              .split(",")
              .filter((part) => part.trim() !== "")
              .map((part) => {
                const eq = part.indexOf("=");
                if (eq <= 0) throw new Invalid(expected);
                return [part.slice(0, eq), part.slice(eq + 1)];
              });
      const out: Record<string, V> = {};
      for (const [k, v] of entries) {
        const key = k.trim().toLowerCase();
        if (key === "" || (keys && !keys.includes(key))) throw new Invalid(expected);
        try {
          out[key] = value.parse(v);
        } catch (err) {
          throw err instanceof Invalid ? new Invalid(`${expected} (${key}: ${err.message})`) : err;
        }
      }
      return out;
    },
  };
}

/** A TCP port. */
export const port: Kind<number> = { ...integer(0, 65_535), describe: "port 0–65535" };

/** A host name or IP address to listen on (checked when listening: a name that does not resolve fails there). */
export const host: Kind<string> = {
  ...text({
    maxLength: 253,
    pattern: /^[A-Za-z0-9.:_[\]-]+$/,
    expected: "must be a host name or an IP address, like 127.0.0.1",
  }),
  describe: "host name or IP address",
};
