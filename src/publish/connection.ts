// What a failed connection means for a post (SPEC §8), the same on every network: a request that never
// reached the server (refused, unresolved, unreachable, or a connect that timed out) may be retried
// safely; one whose connection broke may have been acted on; an untrusted certificate does not change
// by retrying. Only error codes are read, never messages (they may quote a URL with a token in it).

export interface ConnectionFailure {
  kind: "network";
  said: string;
  maybeSent: boolean;
  retry: boolean;
}

/** Codes of a request that never left this machine or never reached the server. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TLS_CODES = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_)/;

/**
 * A socket, DNS or TLS error's code: on the error, on its causes (fetch wraps it: "fetch failed" → the
 * socket's error), or on the first error of an AggregateError (several addresses refused). Null if none.
 */
export function systemErrorCode(err: unknown): string | null {
  for (let e = err, depth = 0; typeof e === "object" && e !== null && depth < 6; depth++) {
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string") return code;
    e = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return null;
}

/** The failure a connection error's code means (null: the connection closed without a code). */
export function connectionFailure(code: string | null): ConnectionFailure {
  if (code !== null && TLS_CODES.test(code)) {
    return {
      kind: "network",
      said: `its TLS certificate was not trusted (${code})`,
      maybeSent: false,
      retry: false,
    };
  }
  if (code !== null && NOT_SENT_CODES.has(code)) {
    return { kind: "network", said: `it could not be reached (${code})`, maybeSent: false, retry: true };
  }
  return {
    kind: "network",
    said: `the connection broke (${code ?? "connection closed"})`,
    maybeSent: true,
    retry: true,
  };
}
