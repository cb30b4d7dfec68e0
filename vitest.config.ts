import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Several suites start child processes (the built CLI) and local TLS servers.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["tests/global-setup.ts"],
    // Workers are processes that inherit the environment the global setup prepared (NODE_EXTRA_CA_CERTS).
    pool: "forks",
  },
});
