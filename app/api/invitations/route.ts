import { getDb } from "@/lib/db/client";
import { writeTransaction } from "@/lib/db/transaction";
import { createInvitation, invitationLink, listPendingInvitations } from "@/lib/operators/invitations";
import { createInvitationSchema } from "@/lib/operators/schemas";
import { webContext } from "@/lib/session/context";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const GET = operatorRoute("operators.read", async () => json({ invitations: await listPendingInvitations(getDb()) }));

/** Creates an invitation; the link (with its token) is in this response and nowhere else. */
export const POST = operatorRoute("operators.manage", async ({ request, operator }) => {
  const input = await readJson(request, createInvitationSchema);
  const { token, invitation } = await writeTransaction(getDb(), (tx) =>
    createInvitation(tx, { type: "operator", id: operator.id }, { kind: "invite", ...input }),
  );
  return json({ invitation, link: invitationLink(webContext().config.publicUrl, "invite", token) }, 201);
});
