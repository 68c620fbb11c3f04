/**
 * A throwaway PostgreSQL cluster on a loopback port, for tests, benchmarks and creating
 * migrations: initdb into a temporary directory, pg_ctl start, and a superuser `postgres`
 * reached without a password (trust, loopback only). stop() shuts it down and removes it.
 *
 * PostgreSQL refuses to run as root; as root (CI), the cluster is owned by and runs as the
 * `postgres` user (runuser), as ../shared/ENVIRONMENT.md describes.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface ThrowawayCluster {
  /** Superuser URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  dir: string;
  stop(): void;
}

/** initdb and pg_ctl from PATH, or Debian's versioned directory (the package leaves it off PATH). */
export function findPostgresBin(): string | null {
  const candidates = [
    ...(process.env.PATH ?? "").split(path.delimiter),
    ...listDirs("/usr/lib/postgresql").sort().reverse().map((d) => path.join("/usr/lib/postgresql", d, "bin")),
  ];
  return candidates.find((dir) => dir && fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl"))) ?? null;
}

/** `durable`: keep fsync and synchronous commit on, as in production (benchmarks compare commits with SQLite's). */
export async function startThrowawayCluster(options: { port?: number; durable?: boolean } = {}): Promise<ThrowawayCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL's initdb and pg_ctl were not found (on Debian: apt-get install -y postgresql).");
  const port = options.port ?? (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pteri-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chownSync(dir, postgresUid(), postgresGid());
  const run = (command: string, args: string[]) => {
    const result = asRoot
      ? spawnSync("runuser", ["-u", "postgres", "--", path.join(bin, command), ...args], { encoding: "utf8" })
      : spawnSync(path.join(bin, command), args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} failed: ${(result.stderr || result.stdout || String(result.error)).trim()}`);
  };
  const data = path.join(dir, "data");
  // Byte-order text comparison (collation C), as SQLite's, so both databases sort alike;
  // Unicode character classes (ctype C.UTF-8) for the full-text index.
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--lc-collate=C", "--no-sync"]);
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=400",
    // For tests durability is not the point, speed is; a benchmark asks for production's.
    ...(options.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ].join(" ");
  run("pg_ctl", ["-D", data, "-o", settings, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function listDirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function postgresUid(): number {
  return Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
}

function postgresGid(): number {
  return Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
