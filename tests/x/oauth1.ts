// OAuth 1.0a HMAC-SHA1 signature checking for the X stand-in, written from RFC 5849 §3.4 and
// independent of twitter-api-v2's signer: if the client signs wrongly, the stand-in says 401.

import { createHmac, timingSafeEqual } from "node:crypto";

export interface SignedRequest {
  method: string;
  /** Scheme, host and port as the client addressed them, and the path (no query). */
  baseUri: string;
  /** Decoded query parameters, repeated names allowed. */
  query: [string, string][];
  /** Decoded form parameters of an `application/x-www-form-urlencoded` body; none for JSON or multipart. */
  form: [string, string][];
  authorization: string | undefined;
}

export interface Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessSecret: string;
}

/** RFC 3986 unreserved characters stay; everything else is %XX in upper case (RFC 5849 §3.6). */
export function percentEncode(value: string): string {
  return Array.from(Buffer.from(value, "utf8"))
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** The `OAuth k="v", …` header's parameters, decoded (RFC 5849 §3.5.1). */
export function parseAuthorization(header: string): Map<string, string> | null {
  const match = /^OAuth\s+(.*)$/i.exec(header.trim());
  if (!match?.[1]) return null;
  const params = new Map<string, string>();
  for (const part of match[1].split(",")) {
    const kv = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!kv?.[1] || kv[2] === undefined) return null;
    params.set(decodeURIComponent(kv[1]), decodeURIComponent(kv[2]));
  }
  return params;
}

/** RFC 5849 §3.4.1: method & base string URI & normalised parameters, each percent-encoded. */
export function signatureBaseString(method: string, baseUri: string, params: [string, string][]): string {
  const normalised = params
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalised)].join("&");
}

export function hmacSha1(base: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac("sha1", key).update(base).digest("base64");
}

/** Null when the request is signed by these credentials; else why not. */
export function verifySignature(request: SignedRequest, credentials: Credentials): string | null {
  if (!request.authorization) return "no Authorization header";
  const oauth = parseAuthorization(request.authorization);
  if (!oauth) return "malformed Authorization header";
  if (oauth.get("oauth_signature_method") !== "HMAC-SHA1") return "not HMAC-SHA1";
  if (!oauth.get("oauth_nonce") || !/^\d+$/.test(oauth.get("oauth_timestamp") ?? ""))
    return "no nonce or timestamp";
  if (oauth.has("oauth_version") && oauth.get("oauth_version") !== "1.0") return "wrong oauth_version";
  if (oauth.get("oauth_consumer_key") !== credentials.consumerKey) return "unknown consumer key";
  if (oauth.get("oauth_token") !== credentials.accessToken) return "unknown access token";
  const signature = oauth.get("oauth_signature") ?? "";
  const params: [string, string][] = [
    ...request.query,
    ...request.form,
    ...[...oauth].filter(([k]) => k !== "oauth_signature" && k !== "realm"),
  ];
  const expected = hmacSha1(
    signatureBaseString(request.method, request.baseUri, params),
    credentials.consumerSecret,
    credentials.accessSecret,
  );
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? null : "signature mismatch";
}

/** RFC 5849 §3.4.1.2: lower-case scheme and host, the port only when it is not the scheme's default. */
export function baseStringUri(scheme: "https" | "http", hostHeader: string, path: string): string {
  const host = hostHeader.toLowerCase();
  const defaultPort = scheme === "https" ? ":443" : ":80";
  return `${scheme}://${host.endsWith(defaultPort) ? host.slice(0, -defaultPort.length) : host}${path}`;
}
