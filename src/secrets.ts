// One scrubber for every place where text becomes output or a record (SPEC §9: no secret in stdout,
// stderr, the JSON object, history, a post's `error`, the step summary, the page). Whatever a network
// or a proxy sends back — an error page quoting the request's Authorization header, a URL with the
// Telegram bot token in it — passes through `scrub` before it is written anywhere.
//
// It removes two kinds of thing: the configured secret values (registered once at start-up, in every
// encoding they travel in), and anything shaped like a credential whatever its value (OAuth header
// parameters, bearer tokens, bot tokens in URLs, JWTs, a connection string's user and password), so
// that even a secret capbot was never told about does not pass.

export const REDACTED = "[redacted]";

/** Shorter values are not scrubbed: they would blank out ordinary words and numbers. */
const MIN_SECRET_LENGTH = 4;

let known: string[] = [];

/** The configured secret values; called once the configuration is read. */
export function registerSecrets(values: readonly string[]): void {
  const forms = new Set<string>(known);
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    for (const form of encodings(value)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  // Longest first, so that a secret containing another is removed whole.
  known = [...forms].sort((a, b) => b.length - a.length);
}

/** How a value may appear in text: as it is, inside a JSON string, in a URL or an OAuth header. */
function encodings(value: string): string[] {
  const uri = encodeURIComponent(value);
  // RFC 3986 (OAuth 1.0a signs and sends its parameters this way).
  const rfc3986 = uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [value, JSON.stringify(value).slice(1, -1), uri, rfc3986];
}

/**
 * Shapes of credentials, whatever their value. Each keeps its name and replaces only the value. A value
 * never takes in a backslash, and its opening quote may be escaped (`\"`): the same text is scrubbed as
 * it stands and inside a JSON string, and scrubbing never breaks an escape (the JSON stays JSON).
 */
const SHAPES: readonly [RegExp, string][] = [
  // OAuth 1.0a parameters, in a header (oauth_token="…") or a query (oauth_token=…). Their values are
  // percent-encoded, so a ")" ends one: a quote cut short keeps the sentence's own closing ")." .
  [/\b(oauth_[a-z_]+)(\s*=\s*)(\\?"?)[^"\\,&\s)]+/gi, `$1$2$3${REDACTED}`],
  // Authorization schemes followed by a credential.
  [/\b(Bearer|Basic|Bot)(\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1$2${REDACTED}`],
  // A Telegram bot token, in a Bot API URL (/bot123456:ABC…/) or alone.
  [/\b(bot)?\d{5,}:[A-Za-z0-9_-]{20,}/g, `$1${REDACTED}`],
  // A JSON Web Token (Bluesky session tokens).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // The password of a connection string (the user name stays: it helps to find the account).
  [/\b(mongodb(?:\+srv)?:\/\/[^\s:@/\\]*):[^\s@/\\]*@/gi, `$1:${REDACTED}@`],
  // A token or password given as a named field in JSON or a query ("access_token":"…", password=…).
  [
    /(\b(?:access_?token|refresh_?token|access_?jwt|refresh_?jwt|app_?password|password|client_secret)(?:\\?")?\s*[:=]\s*(?:\\?")?)[^"\\,&\s}]+/gi,
    `$1${REDACTED}`,
  ],
];

/** The text with every registered secret and every credential-shaped value replaced by [redacted]. */
export function scrub(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}

/** A value that will be written out (an error's message, a stored field): strings scrubbed, deeply. */
export function scrubValue<T>(value: T): T {
  if (typeof value === "string") return scrub(value) as T;
  if (Array.isArray(value)) return value.map(scrubValue) as T;
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v);
    return out as T;
  }
  return value;
}

/**
 * Every write to stdout and stderr goes through `scrub`: the last line of defence, for text no boundary
 * above thought of (a library's message, a usage error quoting a flag's value).
 */
export function scrubProcessOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === "string" ? scrub(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}
