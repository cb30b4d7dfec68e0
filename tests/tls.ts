// One throw-away TLS certificate for every HTTPS stand-in of the suite (X, Bluesky, Mastodon,
// Telegram). The global setup makes it once and names it in NODE_EXTRA_CA_CERTS, which every test
// worker and every child `capbot` process inherits: clients built on Node's own fetch (which takes no
// CA per request) trust the stand-ins exactly as a deployment would trust a corporate CA.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertificateFiles {
  dir: string;
  caFile: string;
  ca: string;
  key: string;
  cert: string;
}

/** The environment variable naming the folder of the suite's certificate (set by the global setup). */
export const TLS_DIR_ENV = "CAPBOT_TEST_TLS_DIR";

/** A self-signed certificate for localhost and 127.0.0.1 that is its own CA. */
export function makeCertificate(): CertificateFiles {
  const dir = mkdtempSync(join(tmpdir(), "capbot-tls-"));
  const keyFile = join(dir, "key.pem");
  const caFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      caFile,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
    ],
    { stdio: "ignore" },
  );
  return readCertificate(dir);
}

function readCertificate(dir: string): CertificateFiles {
  const caFile = join(dir, "cert.pem");
  const cert = readFileSync(caFile, "utf8");
  return { dir, caFile, ca: cert, cert, key: readFileSync(join(dir, "key.pem"), "utf8") };
}

/** The suite's certificate, made by the global setup and trusted through NODE_EXTRA_CA_CERTS. */
export function suiteCertificate(): CertificateFiles {
  const dir = process.env[TLS_DIR_ENV];
  if (!dir)
    throw new Error(`${TLS_DIR_ENV} is not set: run the tests through vitest (tests/global-setup.ts)`);
  return readCertificate(dir);
}
