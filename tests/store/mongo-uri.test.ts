// SPEC §9 connection string: MONGODB_URI as is, else mongodb+srv://USER:PASSWORD@ADDRESS with the
// credentials URI-escaped — checked by letting the real driver parse what was built (no connection).
import fc from "fast-check";
import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { credentialsOf, describeHost, mongoUri, scrubSecrets } from "../../src/store/mongo-uri.js";

function parsed(uri: string): { user?: string; password?: string; srvHost?: string; hosts: string[] } {
  const client = new MongoClient(uri);
  return {
    user: client.options.credentials?.username,
    password: client.options.credentials?.password,
    srvHost: client.options.srvHost,
    hosts: client.options.hosts.map(String),
  };
}

describe("mongoUri", () => {
  it("§9 MONGODB_URI is used as is, even when user/password/address are also set", () => {
    const uri = "mongodb://fake-user:fake-password@db.internal:27017/metrics";
    expect(mongoUri({ uri, user: "other", password: "x", address: "elsewhere.example.net" })).toBe(uri);
  });

  it("§9 builds mongodb+srv://USER:PASSWORD@ADDRESS", () => {
    const uri = mongoUri({ user: "fake-user", password: "fake-password", address: "cluster0.example.net" });
    expect(uri).toBe("mongodb+srv://fake-user:fake-password@cluster0.example.net");
    expect(parsed(uri!)).toMatchObject({
      user: "fake-user",
      password: "fake-password",
      srvHost: "cluster0.example.net",
    });
  });

  it("§9 credentials are URI-escaped: reserved characters, percent and unicode survive the driver's parse", () => {
    const user = "fake@user:/?#[]%ü";
    const password = "p@ss:w/rd?#[]%20é漢🙂";
    const uri = mongoUri({ user, password, address: "cluster0.example.net" })!;
    expect(parsed(uri)).toMatchObject({ user, password, srvHost: "cluster0.example.net" });
  });

  it("§9 any user and password round-trip through the driver", () => {
    const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).filter((s) => s.trim() === s);
    fc.assert(
      fc.property(text, text, (user, password) => {
        const uri = mongoUri({ user, password, address: "cluster0.example.net" })!;
        const got = parsed(uri);
        expect(got.user).toBe(user);
        expect(got.password).toBe(password);
      }),
      { numRuns: 200 },
    );
  });

  it("an address with its own scheme gets the credentials inserted, its path and options kept", () => {
    const uri = mongoUri({
      user: "fake-user",
      password: "fake/pass",
      address: "mongodb://db1.internal:27017,db2.internal:27018/?replicaSet=rs0",
    })!;
    expect(uri).toBe("mongodb://fake-user:fake%2Fpass@db1.internal:27017,db2.internal:27018/?replicaSet=rs0");
    expect(parsed(uri)).toMatchObject({
      password: "fake/pass",
      hosts: ["db1.internal:27017", "db2.internal:27018"],
    });
  });

  it("an address holding credentials already has them replaced by the configured ones", () => {
    const uri = mongoUri({
      user: "fake-user",
      password: "fake-new",
      address: "mongodb+srv://old:fake-old@c.example.net/",
    });
    expect(uri).toBe("mongodb+srv://fake-user:fake-new@c.example.net/");
  });

  it("a trailing slash and options on a bare address are kept", () => {
    expect(
      mongoUri({ user: "u", password: "p", address: " cluster0.example.net/?retryWrites=true&w=majority " }),
    ).toBe("mongodb+srv://u:p@cluster0.example.net/?retryWrites=true&w=majority");
  });

  it("no credentials gives a URI without userinfo; nothing set gives null", () => {
    expect(mongoUri({ address: "cluster0.example.net" })).toBe("mongodb+srv://cluster0.example.net");
    expect(mongoUri({ user: "fake-user", address: "cluster0.example.net" })).toBe(
      "mongodb+srv://fake-user@cluster0.example.net",
    );
    expect(mongoUri({})).toBeNull();
    expect(mongoUri({ uri: "  ", user: "u", password: "p" })).toBeNull();
  });
});

describe("describeHost", () => {
  it("names the host list only", () => {
    expect(describeHost("mongodb+srv://fake-user:fake-password@cluster0.example.net/metrics?x=1")).toBe(
      "cluster0.example.net",
    );
    expect(describeHost("mongodb://a.internal:27017,b.internal:27018/?replicaSet=rs0")).toBe(
      "a.internal:27017,b.internal:27018",
    );
    expect(describeHost("mongodb://")).toBe("the configured server");
  });

  it("never contains the password, escaped or not, whatever characters it holds", () => {
    const password = fc.string({ unit: "grapheme", minLength: 1, maxLength: 16 }).map((s) => `fake-pw-${s}`);
    fc.assert(
      fc.property(password, fc.boolean(), (pw, escaped) => {
        const written = escaped ? encodeURIComponent(pw) : pw;
        const uri = `mongodb+srv://fake-user:${written}@cluster0.example.net/metrics?retryWrites=true`;
        const host = describeHost(uri);
        expect(host).not.toContain("fake-pw-");
        expect(host).toBe("cluster0.example.net");
      }),
      { numRuns: 300 },
    );
  });
});

describe("scrubSecrets", () => {
  it("removes the URI, the raw and the decoded password, and any userinfo of a connection string", () => {
    const uri = "mongodb+srv://fake-user:fake%40secret@cluster0.example.net/";
    const text = `failed ${uri} with fake@secret and fake%40secret; also mongodb://someone:fake-other@h`;
    const clean = scrubSecrets(text, uri);
    expect(clean).not.toContain("fake@secret");
    expect(clean).not.toContain("fake%40secret");
    expect(clean).not.toContain("fake-other");
    expect(clean).toContain("mongodb://[redacted]@h");
    expect(credentialsOf(uri)).toContain("fake@secret");
  });
});
