import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "@/lib/db/transaction";
import { setOperatorRoles, setOperatorStatus } from "@/lib/operators/management";
import { countRows, createOperator, startTestHost, type TestHost } from "./helpers/host";

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(() => host.close());

describe("the last active administrator", () => {
  it("cannot be demoted or disabled, and the refusal changes nothing", async () => {
    const ada = await createOperator(host.db, "Ada", ["admin"]);
    const actor = { type: "operator" as const, id: ada.id };
    const before = await countRows(host.db);
    await expect(writeTransaction(host.db, (tx) => setOperatorRoles(tx, actor, ada.id, ["editor"]))).rejects.toMatchObject({ code: "last_admin" });
    await expect(writeTransaction(host.db, (tx) => setOperatorStatus(tx, actor, ada.id, "disabled"))).rejects.toMatchObject({ code: "last_admin" });
    expect(await countRows(host.db)).toEqual(before);
    expect((await host.db.operator.findUniqueOrThrow({ where: { id: ada.id } })).roles).toBe('["admin"]');
  });

  it("a disabled admin does not count; with a second active admin, one can step down", async () => {
    const grace = await createOperator(host.db, "Grace", ["admin", "approver"]);
    const ada = await host.db.operator.findFirstOrThrow({ where: { name: "Ada" } });
    const actor = { type: "operator" as const, id: ada.id };
    await writeTransaction(host.db, (tx) => setOperatorStatus(tx, actor, grace.id, "disabled"));
    await expect(writeTransaction(host.db, (tx) => setOperatorRoles(tx, actor, ada.id, ["auditor"]))).rejects.toMatchObject({ code: "last_admin" });
    await writeTransaction(host.db, (tx) => setOperatorStatus(tx, actor, grace.id, "active"));
    await writeTransaction(host.db, (tx) => setOperatorRoles(tx, actor, ada.id, ["auditor"]));
    expect((await host.db.operator.findUniqueOrThrow({ where: { id: ada.id } })).roles).toBe('["auditor"]');
  });

  it("two admins demoting each other at the same moment cannot both succeed", async () => {
    const x = await createOperator(host.db, "X", ["admin"]);
    const grace = await host.db.operator.findFirstOrThrow({ where: { name: "Grace" } });
    const results = await Promise.allSettled([
      writeTransaction(host.db, (tx) => setOperatorRoles(tx, { type: "operator", id: x.id }, grace.id, ["approver"])),
      writeTransaction(host.db, (tx) => setOperatorRoles(tx, { type: "operator", id: grace.id }, x.id, ["approver"])),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const admins = (await host.db.operator.findMany({ where: { status: "active" } })).filter((o) => o.roles.includes('"admin"'));
    expect(admins).toHaveLength(1);
  });
});
