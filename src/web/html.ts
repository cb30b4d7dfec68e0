// HTML with escaping by construction: the `html` tag escapes every value it is given, unless the value is
// itself Html (made by `html`, or marked trusted with `trusted` — only for constants of this program).
// A value from the data (a venue name, a post's text, a network's error) can therefore never become
// markup: it is text, whatever it holds.

const BRAND = Symbol("html");

/** Markup that is safe to write as it is. Only `html` and `trusted` make it. */
export interface Html {
  readonly [BRAND]: true;
  readonly text: string;
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function make(text: string): Html {
  return { [BRAND]: true, text };
}

function isHtml(value: unknown): value is Html {
  return typeof value === "object" && value !== null && BRAND in value;
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text as it may stand in an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** null, undefined and false write nothing (for `${cond && html`…`}`); arrays write each item. */
function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (isHtml(value)) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return make(out);
}

/** Marks a constant of this program as markup. Never give it anything that came from data. */
export function trusted(markup: string): Html {
  return make(markup);
}

/**
 * An address that may go into an href: http or https only. A post's `url` comes from the store, where
 * anyone who can import posts can put `javascript:…`; escaping does not make such a link harmless.
 */
export function safeUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}
