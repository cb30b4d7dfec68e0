// Before any suite: bundles dist/ when src/ is newer (the suites that run the real CLI as a child process
// need it; type errors are reported by `npm run typecheck`), and makes the one throw-away TLS
// certificate that every HTTPS stand-in serves and every client trusts (tests/tls.ts).
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { makeCertificate, TLS_DIR_ENV } from "./tls.js";

export default function setup(): () => void {
  spawnSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });
  const certificate = makeCertificate();
  // Set before the workers start, so that each inherits it (pool "forks", see vitest.config.ts).
  process.env[TLS_DIR_ENV] = certificate.dir;
  process.env["NODE_EXTRA_CA_CERTS"] = certificate.caFile;
  return () => rmSync(certificate.dir, { recursive: true, force: true });
}
