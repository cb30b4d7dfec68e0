// The page's template escapes by construction: a value from the data is text whatever it holds.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, html, safeUrl, trusted } from "../../src/web/html.js";

/** What a browser would read back from escaped text. */
function readBack(text: string): string {
  return text
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

describe("the html tag", () => {
  it("escapes every string it is given, so that no markup character of it survives, and loses nothing", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const out = html`<p title="${value}">${value}</p>`.text;
        const inner = out.slice('<p title="'.length, out.indexOf('">'));
        expect(inner).not.toMatch(/[<>"']/);
        expect(readBack(inner)).toBe(value);
        expect(out.endsWith(`>${inner}</p>`)).toBe(true);
      }),
    );
  });

  it("turns a venue name that is an XSS attempt into text", () => {
    const venue = `<img src=x onerror="alert('x')">`;
    expect(html`<td>${venue}</td>`.text).toBe(
      "<td>&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;</td>",
    );
  });

  it("writes Html as it is, arrays item by item, and nothing for null, undefined and false", () => {
    const inner = html`<b>${"a<b"}</b>`;
    expect(html`<p>${inner}</p>`.text).toBe("<p><b>a&lt;b</b></p>");
    expect(html`<ul>${["<1>", html`<li>2</li>`]}</ul>`.text).toBe("<ul>&lt;1&gt;<li>2</li></ul>");
    expect(html`[${null}${undefined}${false}${0}]`.text).toBe("[0]");
  });

  it("does not take a look-alike object for markup: only html and trusted make it", () => {
    const forged = { text: "<script>alert(1)</script>" } as unknown as string;
    expect(html`${forged}`.text).toBe("[object Object]");
    expect(html`${trusted("<hr>")}`.text).toBe("<hr>");
  });

  it("escapeHtml escapes the five characters that matter and nothing else", () => {
    expect(escapeHtml(`&<>"' é ․`)).toBe("&amp;&lt;&gt;&quot;&#39; é ․");
  });
});

describe("safeUrl", () => {
  it("keeps http and https addresses", () => {
    expect(safeUrl("https://x.com/i/web/status/1")).toBe("https://x.com/i/web/status/1");
    expect(safeUrl("http://example.org/a?b=1")).toBe("http://example.org/a?b=1");
  });

  it("refuses javascript:, data: and anything that is not an address, which escaping would not defuse", () => {
    for (const url of [
      "javascript:alert(1)",
      " JAVASCRIPT:alert(1)",
      "data:text/html,<b>",
      "/relative",
      "x",
      null,
    ]) {
      expect(safeUrl(url)).toBeNull();
    }
  });
});
