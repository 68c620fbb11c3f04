/**
 * The role-by-endpoint matrix, driven by the permission catalog and by what is on disk: every
 * route handler under app/ must be declared through lib/session/route.ts (or be listed below
 * with the reason it authenticates differently), and each declared handler, called directly,
 * answers each role and an anonymous caller exactly as the catalog says.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPermission, isPermission, PERMISSIONS } from "@/lib/operators/permissions";
import { ROLES, type Role } from "@/lib/operators/roles";
import type { RouteHandler } from "@/lib/session/route";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import { consoleRequest, countRows, createOperator, signInCookie, startTestHost, type TestHost, type TestOperator } from "./helpers/host";

const ROOT = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Routes that authenticate on their own terms, not with an operator session. */
const NOT_OPERATOR_ROUTES: Record<string, string> = {
  "app/api/health/route.ts": "load balancers probe it anonymously",
  "app/api/auth/[...nextauth]/route.ts": "next-auth's own endpoints (CSRF token + origin check; covered by e2e)",
};
const NOT_OPERATOR_PREFIXES: Record<string, string> = {
  "app/api/v1/": "machines sign every request (RFC 9421)",
  "app/.well-known/": "public by design (log key, checkpoints)",
};

function routeFiles(dir = path.join(ROOT, "app")): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return routeFiles(full);
    return d.name === "route.ts" ? [path.relative(ROOT, full)] : [];
  });
}

const isOperatorRoute = (file: string) => !(file in NOT_OPERATOR_ROUTES) && !Object.keys(NOT_OPERATOR_PREFIXES).some((p) => file.startsWith(p));

interface Endpoint {
  file: string;
  method: (typeof METHODS)[number];
  url: string;
  handler: RouteHandler;
  params: Record<string, string>;
}

/** Path parameters: ids that do not exist, so authorized calls reach the handler and change nothing. */
function paramsOf(file: string): Record<string, string> {
  return Object.fromEntries([...file.matchAll(/\[([^\]]+)\]/g)].map((m) => [m[1]!, "nonexistent"]));
}
function urlOf(file: string): string {
  return `/${path.dirname(file).replace(/^app\/?/, "").replace(/\([^)]+\)\//g, "").replace(/\[([^\]]+)\]/g, "nonexistent")}`;
}

/** Bodies that pass validation, so authorized calls show 2xx (or a domain answer), not a 400. */
const BODIES: Record<string, () => unknown> = {
  "POST /api/invitations": () => ({ roles: ["auditor"], expiresInMinutes: 60 }),
  "POST /api/teams": () => ({ name: `team-${Math.random().toString(36).slice(2)}` }),
  "POST /api/teams/nonexistent/members": () => ({ operatorId: "nonexistent" }),
  "PATCH /api/operators/nonexistent": () => ({ roles: ["auditor"] }),
  "PATCH /api/account/passkeys/nonexistent": () => ({ name: "renamed" }),
  "POST /api/account/passkeys": () => ({ name: "k", response: {} }),
  "POST /api/webauthn/register/check": () => ({ token: "x" }),
  "POST /api/webauthn/register/options": () => ({ token: "x", name: "n" }),
  "POST /api/webauthn/register": () => ({ token: "x", name: "n", passkeyName: "k", response: {} }),
  "POST /api/policies": () => ({ name: `policy-${Math.random().toString(36).slice(2)}` }),
  "PUT /api/policies/nonexistent/draft": () => ({ document: {} }),
  "POST /api/policies/nonexistent/publish": () => ({ note: "rbac" }),
  "POST /api/policies/nonexistent/rollback": () => ({ version: 1, note: "rbac" }),
  "POST /api/policies/nonexistent/impact": () => ({ document: {}, sinceHours: 1 }),
};

let host: TestHost;
const endpoints: Endpoint[] = [];
const undeclared: string[] = [];
const cookies = new Map<Role, string>();
let operators: Record<Role, TestOperator>;

beforeAll(async () => {
  host = await startTestHost();
  for (const file of routeFiles().filter(isOperatorRoute)) {
    const mod = (await import(path.join(ROOT, file))) as Record<string, unknown>;
    for (const method of METHODS) {
      const handler = mod[method] as RouteHandler | undefined;
      if (!handler) continue;
      if (!handler.pteri) undeclared.push(`${method} ${file}`);
      else endpoints.push({ file, method, url: urlOf(file), handler, params: paramsOf(file) });
    }
  }
  const entries = await Promise.all(ROLES.map(async (role) => [role, await createOperator(host.db, `Only ${role}`, [role])] as const));
  operators = Object.fromEntries(entries) as Record<Role, TestOperator>;
  for (const role of ROLES) cookies.set(role, await signInCookie(host.db, operators[role]));
}, 60_000);
afterAll(() => host.close());

function call(endpoint: Endpoint, cookie?: string, origin?: string | null): Promise<Response> {
  const body = endpoint.method === "GET" ? undefined : (BODIES[`${endpoint.method} ${endpoint.url}`]?.() ?? {});
  const request = consoleRequest(endpoint.url, { method: endpoint.method, cookie, body, origin });
  return endpoint.handler(request, { params: Promise.resolve(endpoint.params) });
}

describe("route declarations", () => {
  it("every route handler declares its permission through operatorRoute/publicRoute", () => {
    expect(endpoints.length).toBeGreaterThan(15);
    expect(undeclared).toEqual([]);
    for (const e of endpoints) if (e.handler.pteri.permission !== null) expect(isPermission(e.handler.pteri.permission), `${e.method} ${e.file}`).toBe(true);
  });

  it("only the ceremonies that carry their own proof are public", () => {
    const publicOnes = endpoints.filter((e) => e.handler.pteri.permission === null).map((e) => `${e.method} ${e.url}`).sort();
    expect(publicOnes).toEqual(["POST /api/webauthn/register", "POST /api/webauthn/register/check", "POST /api/webauthn/register/options", "POST /api/webauthn/sign-in/options"]);
  });

  it("every Console page requires the permission its navigation item names", () => {
    const pages = routeFiles(path.join(ROOT, "app/(console)")).length; // no route.ts inside pages
    expect(pages).toBe(0);
    const pageFiles = fs.readdirSync(path.join(ROOT, "app/(console)"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("page.tsx"));
    for (const file of pageFiles) {
      const source = fs.readFileSync(path.join(ROOT, "app/(console)", file), "utf8");
      const permission = /requirePage\("([^"]+)"\)/.exec(source)?.[1];
      expect(permission, `app/(console)/${file} must call requirePage("…")`).toBeDefined();
      expect(isPermission(permission), file).toBe(true);
      const href = `/${path.dirname(file)}`.replace(/\/\.$/, "/").replace(/^\/\.$/, "/");
      const nav = NAV_ITEMS.find((n) => n.href === (href === "/." ? "/" : href));
      if (nav) expect(nav.permission, file).toBe(permission);
    }
  });
});

describe("the role-by-endpoint matrix", () => {
  it("anonymous callers get 401 from every protected endpoint, and nothing changes", async () => {
    const before = await countRows(host.db);
    for (const e of endpoints.filter((x) => x.handler.pteri.permission !== null)) {
      const response = await call(e);
      expect(response.status, `${e.method} ${e.url}`).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await countRows(host.db)).toEqual(before);
  });

  for (const role of ROLES) {
    it(`${role}: allowed endpoints answer, the others 403 and change nothing`, async () => {
      for (const e of endpoints) {
        const permission = e.handler.pteri.permission;
        const allowed = permission === null || hasPermission([role], permission);
        const before = allowed ? null : await countRows(host.db);
        const response = await call(e, cookies.get(role));
        const label = `${role} ${e.method} ${e.url} (${permission ?? "public"})`;
        if (allowed) {
          expect([401, 403], label).not.toContain(response.status);
          expect(response.status, label).toBeLessThan(500);
          // A GET answers 200, or 404 when its path names a resource (the ids here do not exist).
          if (e.method === "GET") expect(Object.keys(e.params).length > 0 ? [200, 404] : [200], label).toContain(response.status);
        } else {
          expect(response.status, label).toBe(403);
          expect((await response.json()).code).toBe("forbidden");
          expect(await countRows(host.db)).toEqual(before);
        }
      }
    });
  }

  it("the catalog grants what the roles table in the README says", () => {
    const granted = (role: Role) => (Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]).filter((p) => hasPermission([role], p));
    expect(granted("admin")).toEqual(expect.arrayContaining(["operators.manage", "teams.manage", "settings.manage"]));
    expect(granted("admin")).not.toEqual(expect.arrayContaining(["intents.decide"]));
    expect(granted("editor")).toEqual(expect.arrayContaining(["machines.write", "policies.write"]));
    expect(granted("approver")).toEqual(expect.arrayContaining(["intents.decide"]));
    expect(granted("auditor").filter((p) => !p.endsWith(".read") && p !== "console.view" && p !== "account.manage")).toEqual([]);
  });
});

describe("CSRF", () => {
  it("every state-changing endpoint refuses a cross-origin or origin-less request, even with a valid session", async () => {
    const admin = cookies.get("admin");
    const before = await countRows(host.db);
    for (const e of endpoints.filter((x) => x.method !== "GET")) {
      for (const origin of ["https://attacker.example", "http://localhost:3999.attacker.example", null]) {
        const response = await call(e, admin, origin);
        expect(response.status, `${e.method} ${e.url} from ${origin}`).toBe(403);
        expect((await response.json()).code).toBe("cross_origin");
      }
    }
    expect(await countRows(host.db)).toEqual(before);
  });
});
