/**
 * Role checks for every machine action of the Console's API, on REAL machines and tickets:
 * admin and editor may change machines (machines.write), approver and auditor may only look
 * (machines.read), and a refused call changes nothing. Route handlers are called directly,
 * with session cookies from the real passkey ceremony.
 */
import { describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { registerMachine } from "@/lib/machines/repository";
import type { Role } from "@/lib/operators/roles";
import { nodeEd25519 } from "@/lib/protocol/ed25519-node";
import { generateKeyPair } from "@/lib/protocol/keys";
import { GET as listMachines, POST as registerRoute } from "@/app/api/machines/route";
import { GET as machineDetail } from "@/app/api/machines/[id]/route";
import { POST as actionRoute } from "@/app/api/machines/[id]/[action]/route";
import { PUT as permissionsRoute } from "@/app/api/machines/[id]/permissions/route";
import { GET as listTickets, POST as createTicket } from "@/app/api/enrollment-tickets/route";
import { DELETE as revokeTicket, GET as getTicket } from "@/app/api/enrollment-tickets/[id]/route";
import { ALL_ROLES, ORIGIN, setUpRoleHost } from "../operators/helpers/host";
import { OPERATOR } from "./helpers";

const WRITERS: Role[] = ["admin", "editor"];

const host = setUpRoleHost();
const { operators, call } = host;

async function problemCode(response: Response) {
  return `${response.status} ${((await response.json()) as { code: string }).code}`;
}

/** A real machine, registered by the host (pending until it proves possession). */
async function realMachine(name: string) {
  const key = await generateKeyPair(nodeEd25519);
  return writeTransaction(host.db, (tx) => registerMachine(tx, { name, publicKey: key.publicKey.jwk, actor: OPERATOR, activation: "proof" }));
}

async function state() {
  const [machines, audit, tickets, open] = await Promise.all([
    host.db.machine.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, permissions: true, keyId: true } }),
    host.db.auditEntry.count(),
    host.db.enrollmentTicket.count(),
    host.db.enrollmentTicket.count({ where: { revokedAt: null } }),
  ]);
  return { machines, audit, tickets, open };
}

describe.each(WRITERS)("%s may change machines", (role) => {
  it("register a key, then confirm, suspend, resume, set permissions and revoke it: each one entry by this operator", async () => {
    const operatorId = operators.get(role)!.id;
    const key = await generateKeyPair(nodeEd25519);
    const registered = await call(registerRoute, "/api/machines", { method: "POST", role, body: { name: `by-${role}`, publicKey: key.publicKey.jwk, tags: ["t1"] } });
    expect(registered.status).toBe(201);
    const { machine } = (await registered.json()) as { machine: { id: string; status: string; activation: string; fingerprint: string; enrolledBy: { type: string; id: string; name: string } } };
    expect(machine).toMatchObject({ status: "pending", activation: "proof", enrolledBy: { type: "operator", id: operatorId, name: `Only ${role}` } });

    const steps: [string, unknown, string][] = [
      ["confirm", { fingerprint: machine.fingerprint }, "active"],
      ["suspend", { reason: "maintenance" }, "suspended"],
      ["resume", { reason: "done" }, "active"],
    ];
    for (const [action, body, status] of steps) {
      const before = await host.db.auditEntry.count();
      const response = await call(actionRoute, `/api/machines/${machine.id}/${action}`, { method: "POST", role, body, params: { id: machine.id, action } });
      expect(response.status, action).toBe(200);
      expect(((await response.json()) as { machine: { status: string } }).machine.status).toBe(status);
      const entries = await host.db.auditEntry.findMany({ where: { seq: { gte: before } } });
      const event = { confirm: "machine.confirmed", suspend: "machine.suspended", resume: "machine.resumed" }[action];
      expect(entries.map((e) => [e.type, e.actorType, e.actorId])).toEqual([[event, "operator", operatorId]]);
    }

    const perms = await call(permissionsRoute, `/api/machines/${machine.id}/permissions`, { method: "PUT", role, body: { permissions: ["audit.read"] }, params: { id: machine.id } });
    expect(perms.status).toBe(200);
    expect(((await perms.json()) as { machine: { permissions: string[] } }).machine.permissions).toEqual(["audit.read"]);

    const revoked = await call(actionRoute, `/api/machines/${machine.id}/revoke`, { method: "POST", role, body: { reason: "decommissioned" }, params: { id: machine.id, action: "revoke" } });
    expect(revoked.status).toBe(200);
    expect((await host.db.machine.findUniqueOrThrow({ where: { id: machine.id } })).status).toBe("revoked");
    const types = (await host.db.auditEntry.findMany({ where: { subjects: { contains: machine.id } }, orderBy: { seq: "asc" } })).map((e) => e.type);
    expect(types).toEqual(["machine.registered", "machine.confirmed", "machine.suspended", "machine.resumed", "machine.permissions_changed", "machine.revoked"]);
  });

  it("create, look at and revoke an enrollment ticket", async () => {
    const created = await call(createTicket, "/api/enrollment-tickets", { method: "POST", role, body: { name: `ticket-by-${role}`, expiresInMinutes: 30 } });
    expect(created.status).toBe(201);
    const out = (await created.json()) as { ticket: string; command: string; ticketView: { id: string; status: string; createdBy: { id: string } } };
    expect(out.ticket).toMatch(/^pteri_et_[A-Za-z0-9_-]{43}$/);
    expect(out.command).toBe(`npx pteri enroll --server ${ORIGIN} --ticket ${out.ticket}`);
    expect(out.ticketView).toMatchObject({ status: "open", createdBy: { id: operators.get(role)!.id } });

    const listed = (await (await call(listTickets, "/api/enrollment-tickets", { role })).json()) as { tickets: { id: string }[] };
    expect(listed.tickets.map((x) => x.id)).toContain(out.ticketView.id);
    // Neither the list nor the ticket's own page shows the ticket again.
    expect(JSON.stringify(listed)).not.toContain(out.ticket.slice(9));
    const shown = await call(getTicket, `/api/enrollment-tickets/${out.ticketView.id}`, { role, params: { id: out.ticketView.id } });
    expect(shown.status).toBe(200);
    expect(await shown.text()).not.toContain(out.ticket.slice(9));

    const revoked = await call(revokeTicket, `/api/enrollment-tickets/${out.ticketView.id}`, { method: "DELETE", role, params: { id: out.ticketView.id } });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { ticket: { status: string } }).ticket.status).toBe("revoked");
  });

  it("domain mistakes are clear problems: no reason, unknown action, unknown machine, bad key", async () => {
    const machine = await realMachine(`mistakes-${role}`);
    expect(await problemCode(await call(actionRoute, "/x", { method: "POST", role, body: {}, params: { id: machine.id, action: "suspend" } }))).toBe("400 field_invalid");
    expect(await problemCode(await call(actionRoute, "/x", { method: "POST", role, body: { reason: "r" }, params: { id: machine.id, action: "delete" } }))).toBe("404 not_found");
    expect(await problemCode(await call(actionRoute, "/x", { method: "POST", role, body: { reason: "r" }, params: { id: "nope", action: "suspend" } }))).toBe("404 not_found");
    expect(await problemCode(await call(actionRoute, "/x", { method: "POST", role, body: {}, params: { id: machine.id, action: "resume" } }))).toBe("400 field_invalid");
    expect(await problemCode(await call(actionRoute, "/x", { method: "POST", role, body: { reason: "r" }, params: { id: machine.id, action: "resume" } }))).toBe("409 machine_state");
    expect(await problemCode(await call(registerRoute, "/api/machines", { method: "POST", role, body: { name: "k", publicKey: "not a key" } }))).toBe("400 public_key_invalid");
    expect(await problemCode(await call(permissionsRoute, "/x", { method: "PUT", role, body: { permissions: ["root"] }, params: { id: machine.id } }))).toBe("400 permission_invalid");
    expect((await host.db.machine.findUniqueOrThrow({ where: { id: machine.id } })).status).toBe("pending");
  });
});

describe.each(["approver", "auditor"] as Role[])("%s may not change machines", (role) => {
  it("every write on a real machine and ticket answers 403 forbidden and changes nothing", async () => {
    const machine = await realMachine(`target-for-${role}`);
    const ticket = await call(createTicket, "/api/enrollment-tickets", { method: "POST", role: "admin", body: { name: "open-ticket" } });
    const ticketId = ((await ticket.json()) as { ticketView: { id: string } }).ticketView.id;
    const key = await generateKeyPair(nodeEd25519);
    const before = await state();

    const attempts: [string, () => Promise<Response>][] = [
      ["POST /api/machines", () => call(registerRoute, "/api/machines", { method: "POST", role, body: { name: "sneaky", publicKey: key.publicKey.jwk } })],
      ["POST /api/enrollment-tickets", () => call(createTicket, "/api/enrollment-tickets", { method: "POST", role, body: { name: "sneaky" } })],
      ["GET /api/enrollment-tickets", () => call(listTickets, "/api/enrollment-tickets", { role })],
      ["GET /api/enrollment-tickets/:id", () => call(getTicket, `/api/enrollment-tickets/${ticketId}`, { role, params: { id: ticketId } })],
      ["DELETE /api/enrollment-tickets/:id", () => call(revokeTicket, `/api/enrollment-tickets/${ticketId}`, { method: "DELETE", role, params: { id: ticketId } })],
      ...(["confirm", "suspend", "resume", "revoke"] as const).map(
        (action) =>
          [`POST /api/machines/:id/${action}`, () => call(actionRoute, `/api/machines/${machine.id}/${action}`, { method: "POST", role, body: { reason: "r", fingerprint: machine.fingerprint }, params: { id: machine.id, action } })] as [string, () => Promise<Response>],
      ),
      ["PUT /api/machines/:id/permissions", () => call(permissionsRoute, `/api/machines/${machine.id}/permissions`, { method: "PUT", role, body: { permissions: ["audit.read"] }, params: { id: machine.id } })],
    ];
    for (const [label, attempt] of attempts) expect(await problemCode(await attempt()), label).toBe("403 forbidden");
    expect(await state()).toEqual(before);
    expect((await host.db.machine.findUniqueOrThrow({ where: { id: machine.id } })).status).toBe("pending");
  });
});

describe("reading machines", () => {
  it.each(ALL_ROLES)("%s can list and open machines", async (role) => {
    const machine = await realMachine(`visible-to-${role}`);
    const list = await call(listMachines, `/api/machines?q=visible-to-${role}`, { role });
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: { id: string }[]; total: number; facets: unknown };
    expect(page.items.map((m) => m.id)).toEqual([machine.id]);
    expect(page.total).toBe(1);
    const detail = await call(machineDetail, `/api/machines/${machine.id}`, { role, params: { id: machine.id } });
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ machine: { id: machine.id, keyId: machine.keyId, fingerprint: machine.fingerprint }, retiredKeys: [] });
  });

  it("a bad query is a 400; an unknown machine a 404; anonymous callers 401", async () => {
    expect(await problemCode(await call(listMachines, "/api/machines?sort=keyId", { role: "auditor" }))).toBe("400 invalid_request");
    expect(await problemCode(await call(machineDetail, "/api/machines/nope", { role: "auditor", params: { id: "nope" } }))).toBe("404 not_found");
    expect(await problemCode(await call(listMachines, "/api/machines"))).toBe("401 unauthenticated");
  });
});

describe("cross-origin requests", () => {
  it("a state-changing request from another origin is refused even with an admin session, and changes nothing", async () => {
    const machine = await realMachine("csrf-target");
    const key = await generateKeyPair(nodeEd25519);
    const before = await state();
    for (const origin of ["http://evil.example", "http://localhost:3998", null]) {
      const o = { role: "admin" as Role, origin };
      expect(await problemCode(await call(actionRoute, "/x", { method: "POST", body: { reason: "csrf" }, params: { id: machine.id, action: "revoke" }, ...o })), String(origin)).toBe("403 cross_origin");
      expect(await problemCode(await call(registerRoute, "/api/machines", { method: "POST", body: { name: "csrf", publicKey: key.publicKey.jwk }, ...o }))).toBe("403 cross_origin");
      expect(await problemCode(await call(createTicket, "/api/enrollment-tickets", { method: "POST", body: { name: "csrf" }, ...o }))).toBe("403 cross_origin");
      expect(await problemCode(await call(permissionsRoute, "/x", { method: "PUT", body: { permissions: ["audit.read"] }, params: { id: machine.id }, ...o }))).toBe("403 cross_origin");
    }
    expect(await state()).toEqual(before);
  });
});
