import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config/env";

describe("loadConfig", () => {
  it("defaults to port 3000, ./data and SQLite inside the data directory", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl.href).toBe("http://localhost:3000/");
    expect(config.dataDir).toBe(path.resolve("./data"));
    expect(config.database).toBe("sqlite");
    expect(config.databaseUrl).toBe(`file:${path.resolve("./data/pteri.db")}`);
  });

  it("derives the default public URL from PORT and the database from PTERI_DATA_DIR", () => {
    const config = loadConfig({ PORT: "8080", PTERI_DATA_DIR: "/srv/pteri" });
    expect(config.publicUrl.href).toBe("http://localhost:8080/");
    expect(config.sqlitePath).toBe("/srv/pteri/pteri.db");
  });

  it("keeps a public URL's path prefix and drops its trailing slash", () => {
    expect(loadConfig({ PTERI_PUBLIC_URL: "https://example.com/pteri/" }).publicUrl.href).toBe("https://example.com/pteri");
  });

  it("accepts a PostgreSQL URL", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://u@db:5432/pteri" }).database).toBe("postgresql");
  });

  it.each([
    [{ PORT: "http" }, /PORT must be a number/],
    [{ PORT: "70000" }, /PORT must be between 1 and 65535/],
    [{ PORT: "3.5" }, /PORT must be a whole number/],
    [{ PTERI_PUBLIC_URL: "example.com" }, /PTERI_PUBLIC_URL must be an absolute URL/],
    [{ PTERI_PUBLIC_URL: "ftp://example.com" }, /must use http or https/],
    [{ PTERI_PUBLIC_URL: "https://u:p@example.com" }, /must not carry a query, fragment or credentials/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL must start with file:/],
  ])("refuses %o with a clear sentence", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
