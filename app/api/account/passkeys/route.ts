import { getDb } from "@/lib/db/client";
import { completeAddPasskey } from "@/lib/operators/account-passkeys";
import { listPasskeys } from "@/lib/operators/passkeys";
import { addPasskeySchema } from "@/lib/operators/schemas";
import { webContext } from "@/lib/session/context";
import { json, operatorRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const GET = operatorRoute("account.manage", async ({ operator }) => json({ passkeys: await listPasskeys(getDb(), operator.id) }));

/** Stores another passkey for the signed-in operator after verifying its registration. */
export const POST = operatorRoute("account.manage", async ({ request, operator }) => {
  const input = await readJson(request, addPasskeySchema);
  return json({ passkey: await completeAddPasskey(getDb(), webContext().rp, operator, input) }, 201);
});
