// The one scrubber (SPEC §9: no secret in any output or record), with each kind of secret, in each form
// it travels in — and the promise that scrubbing JSON text leaves it JSON.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, registerSecrets, scrub } from "../src/secrets.js";

const SECRETS = {
  consumerKey: "fake-consumer-key-1",
  accessToken: "fake-access-token-2",
  appPassword: "fake-abcd-efgh-ijkl",
  mastodonToken: "fakeMastodonToken3456789",
  botToken: "1234567:FAKEtelegramBOTtoken_abcdefghij",
  mongoPassword: "p@ss:w/rd?#fake",
  serveToken: "fake-serve-token-0987",
};
registerSecrets(Object.values(SECRETS));

/** Every form a value travels in: as it is, in a JSON string, in a URL, in an OAuth header (RFC 3986). */
function forms(value: string): string[] {
  const uri = encodeURIComponent(value);
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    uri,
    uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  ];
}

describe("scrub (SPEC §9)", () => {
  it.each(Object.entries(SECRETS))("removes the configured %s in every form it travels in", (_, secret) => {
    for (const form of forms(secret)) {
      const text = `upstream said: <pre>${form}</pre> and again "${form}"`;
      const clean = scrub(text);
      for (const f of forms(secret)) expect(clean).not.toContain(f);
      expect(clean).toContain(REDACTED);
    }
  });

  it("removes credential-shaped values it was never told about", () => {
    const unknown = [
      'Authorization: OAuth oauth_consumer_key="ck-unknown-1", oauth_token="tok-unknown-2", oauth_signature="c2lnbmF0dXJl%3D"',
      "GET /bot7654321:AAunknownTOKENabcdefghijklmnop/sendPhoto",
      "Authorization: Bearer unknownbearertoken123",
      "refreshJwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOngifQ.c2lnbmF0dXJl",
      "mongodb+srv://reader:unknownPassword@cluster0.example.net/metrics",
      '{"access_token":"unknown-token-value","password":"unknown-pw"}',
    ];
    const leaks = [
      "ck-unknown-1",
      "tok-unknown-2",
      "c2lnbmF0dXJl",
      "AAunknownTOKEN",
      "unknownbearertoken123",
      "eyJhbGciOiJIUzI1NiJ9",
      "unknownPassword",
      "unknown-token-value",
      "unknown-pw",
    ];
    const clean = unknown.map(scrub).join("\n");
    for (const leak of leaks) expect(clean).not.toContain(leak);
    // What helps a person stays: the parameter names, the user of a connection string, the host.
    expect(clean).toContain("oauth_consumer_key=");
    expect(clean).toContain("mongodb+srv://reader:[redacted]@cluster0.example.net/metrics");
  });

  it("a proxy's text cut off inside an OAuth value loses the value, not the sentence's closing words", () => {
    const said = 'Refused by a proxy (it said: "Authorization: OAuth oauth_token="tok-cut-of).';
    expect(scrub(said)).toBe(`Refused by a proxy (it said: "Authorization: OAuth oauth_token="${REDACTED}).`);
  });

  it("leaves JSON text valid JSON, whatever the text inside holds", () => {
    const pieces = fc.constantFrom(
      ...Object.values(SECRETS),
      'oauth_token="abc123"',
      'oauth_consumer_key="',
      "Bearer abcdefghijkl",
      '"password":"x1"',
      "mongodb://u:p@h",
      "\\",
      '"',
      "\n",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        const json = JSON.stringify({ error: text, nested: JSON.stringify({ error: text }) });
        const clean = scrub(json);
        const parsed = JSON.parse(clean) as { error: string; nested: string };
        JSON.parse(parsed.nested);
        for (const secret of Object.values(SECRETS)) expect(clean).not.toContain(secret);
      }),
      { numRuns: 1_000 },
    );
  });

  it("scrubbing twice changes nothing more", () => {
    const once = scrub(`oauth_token="${SECRETS.accessToken}" Bearer abcdefghijklmn ${SECRETS.botToken}`);
    expect(scrub(once)).toBe(once);
  });
});
