import path from "node:path";
import { z } from "zod";

/**
 * The Console's configuration, read from environment variables once at start-up.
 * Every problem is reported as one sentence naming the variable and what to do,
 * because the first person to see it is an operator reading a terminal.
 */
export interface Config {
  /** Where clients reach the Console; signed request targets are rebuilt from it. */
  publicUrl: URL;
  port: number;
  dataDir: string;
  databaseUrl: string;
  database: DatabaseKind;
  /** SQLite file path, when database is sqlite. */
  sqlitePath?: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const portSchema = z.coerce
  .number({ error: "PORT must be a number" })
  .int("PORT must be a whole number")
  .min(1, "PORT must be between 1 and 65535")
  .max(65535, "PORT must be between 1 and 65535");

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return 3000;
  const parsed = portSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${parsed.error.issues[0]?.message} (got "${raw}").`);
  return parsed.data;
}

function parsePublicUrl(raw: string | undefined, port: number): URL {
  const value = raw?.trim() || `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PTERI_PUBLIC_URL must be an absolute URL such as https://pteri.example.com (got "${value}").`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`PTERI_PUBLIC_URL must use http or https (got "${url.protocol}").`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError("PTERI_PUBLIC_URL must not carry a query, fragment or credentials.");
  }
  // A trailing slash is harmless to people and ambiguous to target-URI rebuilding: drop it.
  url.pathname = url.pathname.replace(/\/+$/, "") || "/";
  return url;
}

export type DatabaseKind = "sqlite" | "postgresql";

/** Which database a URL names: file: is SQLite, postgresql:// (or postgres://) PostgreSQL. */
export function databaseKindOf(databaseUrl: string): DatabaseKind {
  if (databaseUrl.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgresql";
  throw new ConfigError(
    "DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL); leave it unset for the embedded SQLite database.",
  );
}

function parseDatabase(raw: string | undefined, dataDir: string): Pick<Config, "databaseUrl" | "database" | "sqlitePath"> {
  const value = raw?.trim();
  if (!value) {
    const sqlitePath = path.join(/*turbopackIgnore: true*/ dataDir, "pteri.db");
    return { databaseUrl: `file:${sqlitePath}`, database: "sqlite", sqlitePath };
  }
  if (databaseKindOf(value) === "postgresql") return { databaseUrl: value, database: "postgresql" };
  const sqlitePath = path.resolve(/*turbopackIgnore: true*/ value.slice("file:".length));
  return { databaseUrl: `file:${sqlitePath}`, database: "sqlite", sqlitePath };
}

export type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const port = parsePort(env.PORT);
  const publicUrl = parsePublicUrl(env.PTERI_PUBLIC_URL, port);
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.PTERI_DATA_DIR?.trim() || "./data");
  return { publicUrl, port, dataDir, ...parseDatabase(env.DATABASE_URL, dataDir) };
}
