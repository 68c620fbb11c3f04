import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { createAdapterFactory } from "./adapter";
import { runPostgresqlScript } from "./postgresql";

/**
 * Prisma's WebAssembly schema engine, driven through a driver adapter.
 *
 * Why not `prisma migrate`: every Prisma CLI command first downloads the native
 * schema-engine binary from Prisma's servers, which machines without general
 * network access cannot reach. The WebAssembly build of the same engine ships
 * on npm (pinned to the version @prisma/internals pins) and speaks to the
 * database through the same driver adapters the application uses.
 */
export async function withSchemaEngine<T>(databaseUrl: string, schemaFiles: SchemaFile[], work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const bindings = await loadBindings();
  const log = () => {};
  // engine.free() does not close the connections the engine opened, and an open
  // connection keeps SQLite locked for everyone else in this process: track and close them.
  const opened: SqlDriverAdapter[] = [];
  const base = createAdapterFactory(databaseUrl, { forSchemaEngine: true });
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => track(opened, wholeScripts(await base.connect(), databaseUrl)),
    connectToShadowDb: async () => track(opened, await base.connectToShadowDb()),
  };
  const datamodels = schemaFiles.map((f): [string, string] => [f.path, f.content]);
  const engine = await bindings.SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(tracking));
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

/**
 * @prisma/adapter-pg 7.10 runs a migration script by splitting it at every `;`, which breaks
 * any statement with a `;` inside: a PL/pgSQL function body, a comment. PostgreSQL itself
 * runs a whole multi-statement script in one simple query (as one implicit transaction, as
 * Prisma's native engine does), so hand it the script whole.
 */
function wholeScripts(adapter: SqlDriverAdapter, databaseUrl: string): SqlDriverAdapter {
  if (adapter.provider === "postgres") adapter.executeScript = (script) => runPostgresqlScript(databaseUrl, script);
  return adapter;
}

function track(opened: SqlDriverAdapter[], adapter: SqlDriverAdapter): SqlDriverAdapter {
  opened.push(adapter);
  return adapter;
}

export interface SchemaFile {
  path: string;
  content: string;
}

// The engine reports a Rust panic's message through this global before it throws.
const panicRegistry = { lastMessage: "", set_message(message: string) { panicRegistry.lastMessage = message; console.error(`pteri: schema engine panic: ${message}`); } };
(globalThis as unknown as { PRISMA_WASM_PANIC_REGISTRY: typeof panicRegistry }).PRISMA_WASM_PANIC_REGISTRY = panicRegistry;

type Bindings = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let bindingsPromise: Promise<Bindings> | undefined;

function loadBindings(): Promise<Bindings> {
  bindingsPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bindings: Bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = fs.readFileSync(path.join(dir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bindings as unknown as WebAssembly.ModuleImports,
    });
    const exports = instance.exports as unknown as { __wbindgen_start: () => void };
    (bindings as unknown as { __wbg_set_wasm: (w: unknown) => void }).__wbg_set_wasm(instance.exports);
    exports.__wbindgen_start();
    return bindings;
  })();
  return bindingsPromise;
}
