// The page in a real browser (Chromium, driven by playwright-core): it loads with no console error and no
// failed request, shows the next post `capbot run --dry-run --json` gives at that moment, with its chart;
// markup in the data stays text; the token rules hold on an address other than loopback; and the data
// folder is byte-for-byte what it was. Skipped, saying so, when no browser can be had (tests/web/browser.ts).

import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_ARGS, findBrowser, type Served, startServe } from "./browser.js";
import {
  AS_OF,
  contents,
  dryRunJson,
  type Fixture,
  fixture,
  removeFixture,
  TOKEN,
  XSS_TEXT,
  XSS_VENUE,
} from "./fixture.js";

const executablePath = findBrowser();

// What the functions run inside the page use of its globals: this project type-checks without the DOM library.
interface PageElement {
  attributes: Iterable<{ name: string }>;
}
interface PageImage extends PageElement {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}
declare const document: {
  images: Iterable<PageImage>;
  cookie: string;
  body: PageElement;
  documentElement: { scrollWidth: number };
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
};
declare const window: { innerWidth: number };
declare function getComputedStyle(element: PageElement): { backgroundColor: string };

/** A second loopback address: not loopback to capbot's rule (127.0.0.1, ::1, localhost), reachable only here. */
const OTHER_ADDRESS = "127.0.0.2";

describe.skipIf(executablePath === null)("the page in a real browser", () => {
  let f: Fixture;
  let before: Record<string, string>;
  let browser: Browser;
  let open: Served;

  beforeAll(async () => {
    f = fixture();
    before = contents(f.dataDir);
    // launch() gives every run a fresh, temporary user-data directory.
    browser = await chromium.launch({ executablePath: executablePath ?? "", args: BROWSER_ARGS });
    open = await startServe(["--as-of", AS_OF], {}, f.dir);
  }, 60_000);

  afterAll(async () => {
    const code = await open?.stop();
    await browser?.close();
    removeFixture(f);
    expect(code).toBe(0);
  });

  /** A fresh context (no cookies); every console message, page error, failed request and dialog noted. */
  async function newPage(options: Parameters<Browser["newContext"]>[0] = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return { page, context, problems, dialogs };
  }

  /** Waits for every image to be done (loaded or failed). */
  async function imagesSettled(page: Page): Promise<void> {
    await page.waitForFunction(() => [...document.images].every((img) => img.complete));
  }

  it("loads with no console error and no failed request; the next post is run --dry-run --json's", async () => {
    const { page, context, problems } = await newPage();
    const response = await page.goto(open.url);
    expect(response?.status()).toBe(200);
    const expected = dryRunJson(f);
    expect(await page.locator("#next h2 .pair").textContent()).toBe(expected["pair"]);
    expect(await page.locator("#next pre.text").textContent()).toBe(expected["text"]);
    expect(await page.locator("#next table").textContent()).toContain("a new thread");
    expect(await page.locator("#candidates tr.chosen .pair").textContent()).toBe(expected["pair"]);
    await imagesSettled(page);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows the chart at its natural size, 1200×675, with the alt text the post carries", async () => {
    const { page, context, problems } = await newPage();
    await page.goto(open.url);
    await imagesSettled(page);
    const chart = page.locator("#next figure img");
    expect(
      await chart.evaluate((img) => [(img as PageImage).naturalWidth, (img as PageImage).naturalHeight]),
    ).toEqual([1200, 675]);
    const status = (await (await page.request.get(`${open.url}api/status`)).json()) as {
      chart: { alt: string };
    };
    expect(await chart.getAttribute("alt")).toBe(status.chart.alt);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("markup in a venue name, a post text, an error or a link stays text: no dialog, no element made", async () => {
    const { page, context, dialogs } = await newPage();
    await page.goto(open.url);
    await page.locator("#threads details summary").first().click();
    for (const summary of await page.locator("#threads details summary").all()) await summary.click();
    await imagesSettled(page);
    expect(dialogs).toEqual([]);
    const made = await page.evaluate(() => ({
      scripts: document.querySelectorAll("script").length,
      strayImages: document.querySelectorAll('img[src="x"]').length,
      javascriptLinks: document.querySelectorAll('a[href^="javascript"]').length,
      handlers: [...document.querySelectorAll("*")].filter((e) =>
        [...e.attributes].some((a) => a.name.startsWith("on")),
      ).length,
    }));
    expect(made).toEqual({ scripts: 0, strayImages: 0, javascriptLinks: 0, handlers: 0 });
    const text = (await page.locator("body").textContent()) ?? "";
    expect(text).toContain(`${XSS_VENUE}: 40.00%`);
    expect(text).toContain(XSS_TEXT);
    expect(text).toContain("X refused <img src=x onerror=alert(5)> for Bearer [redacted]");
    await context.close();
  });

  it("is readable on a phone, in dark: one column, no page-wide horizontal scroll, the dark colours", async () => {
    const light = await newPage({ viewport: { width: 390, height: 844 }, colorScheme: "light" });
    const dark = await newPage({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
    const look = async (page: Page) => {
      await page.goto(open.url);
      return page.evaluate(() => ({
        background: getComputedStyle(document.body).backgroundColor,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      }));
    };
    const [l, d] = [await look(light.page), await look(dark.page)];
    expect(l.overflow).toBeLessThanOrEqual(0);
    expect(d.overflow).toBeLessThanOrEqual(0);
    expect(d.background).not.toBe(l.background);
    expect([...light.problems, ...dark.problems]).toEqual([]);
    await light.context.close();
    await dark.context.close();
  });

  it(`on ${OTHER_ADDRESS}, the token: refused without it, ?token= once sets an HttpOnly cookie and leaves the address`, async () => {
    const guarded = await startServe(
      ["--as-of", AS_OF, "--host", OTHER_ADDRESS],
      { CAPBOT_SERVE_TOKEN: TOKEN },
      f.dir,
    );
    try {
      expect(guarded.url).toBe(guarded.url.replace("127.0.0.1", OTHER_ADDRESS));
      const { page, context } = await newPage();
      const refused = await page.goto(guarded.url);
      expect(refused?.status()).toBe(401);
      expect(await page.locator("body").textContent()).toMatch(/Bearer <token>.*\?token=<token>/);
      expect((await page.goto(`${guarded.url}?token=not-the-token`))?.status()).toBe(401);

      const signedIn = await page.goto(`${guarded.url}?token=${TOKEN}`);
      expect(signedIn?.status()).toBe(200);
      expect(page.url()).toBe(guarded.url);
      expect(await page.locator("#next pre.text").textContent()).toBe(dryRunJson(f)["text"]);
      const cookies = await context.cookies();
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({
        name: "capbot_session",
        httpOnly: true,
        sameSite: "Strict",
        secure: false,
      });
      expect(cookies[0]?.value).not.toContain(TOKEN);
      expect(await page.evaluate(() => document.cookie)).toBe("");
      expect((await page.reload())?.status()).toBe(200);
      expect(await page.content()).not.toContain(TOKEN);
      await context.close();
    } finally {
      expect(await guarded.stop()).toBe(0);
    }
  });

  it("leaves the data folder byte-for-byte as it was", () => {
    expect(contents(f.dataDir)).toEqual(before);
  });
});
