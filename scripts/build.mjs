// `npm run build`: bundles src/ into dist/ with esbuild. ESM with code splitting, so that `capbot --help`
// loads the command line alone and each command's action loads its own chunk; native modules and the
// network clients stay in node_modules (loaded only on their paths); source maps let stack traces point
// at src/. Type-checking is tsc's (`npm run typecheck`).
import { rmSync } from "node:fs";
import { build } from "esbuild";

/** Packages the bundle leaves to node_modules: native code, and the heavy clients of one path each. */
const EXTERNAL = [
  "better-sqlite3",
  "@resvg/resvg-js",
  "mongodb",
  "twitter-api-v2",
  "@atproto/api",
  "masto",
  "grammy",
];

/**
 * A package the code imports lazily (`await import("pkg")`) is loaded only on its path: it stays in
 * node_modules, where Node's own import gives a CommonJS package its named exports (a bundled one would
 * offer only `default`).
 */
const lazyPackagesStayExternal = {
  name: "lazy-packages-stay-external",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
    );
  },
};

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: {
    "cli/main": "src/cli/main.ts",
    // Tests import these directly, as a separate process would (the store; the adapters' lazy loading).
    "store/embedded": "src/store/embedded.ts",
    "publish/telegram/index": "src/publish/telegram/index.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  external: EXTERNAL,
  plugins: [lazyPackagesStayExternal],
  chunkNames: "chunks/[name]-[hash]",
  // CommonJS packages inside an ESM bundle still call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __capbotRequire } from "node:module"; const require = __capbotRequire(import.meta.url);',
  },
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
});
