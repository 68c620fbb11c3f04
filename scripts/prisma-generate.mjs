#!/usr/bin/env node
// Runs `prisma generate` offline. Every Prisma CLI command first tries to download the Rust
// schema-engine binary, which this network cannot reach; client generation never uses that
// binary, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing executable (node itself)
// skips the download. See ../shared/ENVIRONMENT.md.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [prismaCli, "generate"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
