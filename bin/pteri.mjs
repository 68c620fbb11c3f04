#!/usr/bin/env node
// The `pteri` CLI. The sources are TypeScript; tsx compiles them on load, so
// `npx pteri ...` works from a clone without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
