// `npm run mutate`: Stryker over the in-process suites (stryker.config.mjs), then the score against the
// targets (scripts/mutation-score.mjs). The network suites talk HTTPS to local stand-ins that serve the
// suite's throw-away certificate; Stryker runs them in worker threads of its own child processes, where
// only an NODE_EXTRA_CA_CERTS present when the process starts is trusted. So the certificate is made
// here, first (the same tests/tls.ts the ordinary run's global setup uses), and Stryker inherits it.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { build } from "esbuild";

const bundled = await build({
  entryPoints: ["tests/tls.ts"],
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
});
const { makeCertificate, TLS_DIR_ENV } = await import(
  `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString("base64")}`
);

const certificate = makeCertificate();
const env = { ...process.env, [TLS_DIR_ENV]: certificate.dir, NODE_EXTRA_CA_CERTS: certificate.caFile };
let status;
try {
  const stryker = spawnSync("npx", ["stryker", "run", ...process.argv.slice(2)], { stdio: "inherit", env });
  status = stryker.status ?? 1;
  if (status === 0) {
    status = spawnSync(process.execPath, ["scripts/mutation-score.mjs"], { stdio: "inherit" }).status ?? 1;
  }
} finally {
  rmSync(certificate.dir, { recursive: true, force: true });
}
process.exit(status);
