// The MongoDB connection string (SPEC §9) and the safe things said about it: which host(s) a message
// may name, and how to scrub the credentials out of any text a driver hands back.

export interface MongoUriEnv {
  uri?: string;
  user?: string;
  password?: string;
  address?: string;
}

const SCHEME = /^(mongodb(?:\+srv)?:\/\/)/i;

/**
 * `MONGODB_URI` as is; else `mongodb+srv://USER:PASSWORD@ADDRESS` with the credentials URI-escaped. An
 * address that already names its scheme gets the credentials inserted after it (replacing any it held);
 * its path and query are kept. Null when neither a URI nor an address is given.
 */
export function mongoUri(env: MongoUriEnv): string | null {
  const uri = present(env.uri);
  if (uri) return uri;
  const address = present(env.address);
  if (!address) return null;
  const scheme = SCHEME.exec(address)?.[1] ?? "mongodb+srv://";
  const rest = SCHEME.test(address) ? address.slice(scheme.length) : address;
  const user = present(env.user);
  const password = present(env.password);
  const credentials =
    user === null
      ? ""
      : `${encodeURIComponent(user)}${password === null ? "" : `:${encodeURIComponent(password)}`}@`;
  return `${scheme}${credentials}${withoutUserinfo(rest)}`;
}

/** The host list of a connection string (`host1:27017,host2`), never its credentials. */
export function describeHost(uri: string): string {
  const rest = uri.trim().replace(SCHEME, "");
  const hosts = withoutUserinfo(rest).split(/[/?]/, 1)[0] ?? "";
  return hosts.length > 0 ? hosts : "the configured server";
}

/** The password of a connection string, as written and decoded, for scrubbing; empty when none. */
export function credentialsOf(uri: string): string[] {
  const rest = uri.trim().replace(SCHEME, "");
  const at = rest.lastIndexOf("@");
  if (at < 0) return [];
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(":");
  if (colon < 0) return [];
  const raw = userinfo.slice(colon + 1);
  const out = [raw, userinfo];
  try {
    out.push(decodeURIComponent(raw));
  } catch {
    // A password with a stray `%` is not decodable; the raw form is scrubbed all the same.
  }
  return out.filter((s) => s.length > 0);
}

/** Removes the connection string, its credentials and any `scheme://user:pass@` from a text. */
export function scrubSecrets(text: string, uri: string): string {
  let out = text;
  for (const secret of [uri, ...credentialsOf(uri)].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join("[redacted]");
  }
  return out.replace(/(mongodb(?:\+srv)?:\/\/)[^\s@/]*@/gi, "$1[redacted]@");
}

/**
 * Everything after the last `@` is the host part: a password may hold an unescaped `@`, `/` or `:`,
 * but never after the `@` that ends it, so what is returned can never contain it.
 */
function withoutUserinfo(rest: string): string {
  const at = rest.lastIndexOf("@");
  return at < 0 ? rest : rest.slice(at + 1);
}

function present(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
