#!/usr/bin/env node
// capbot's entry point: turns on what must be on before the program's own modules load, then loads them.

import module from "node:module";

// Node >= 22.1 keeps compiled code between runs: in NODE_COMPILE_CACHE, else in the temp folder.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Source maps point a stack trace at src/, but Node reads each chunk's map as it loads it (~5 ms on
// `--help`, more on a run), so they are on only where capbot prints stack traces: when debugging
// (LOG_LEVEL=debug or trace) and in the logs of `capbot schedule`, whose start is paid once.
// `node --enable-source-maps` turns them on for every command.
if (/^(?:debug|trace)$/.test(process.env["LOG_LEVEL"] ?? "") || process.argv.includes("schedule")) {
  process.setSourceMapsEnabled(true);
}

await import("./program.js");
