import { getDb } from "@/lib/db/client";
import { startRegistration } from "@/lib/operators/registration";
import { registerOptionsSchema } from "@/lib/operators/schemas";
import { webContext } from "@/lib/session/context";
import { json, publicRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** Registration options for a new operator's first passkey; the token is checked, not used. */
export const POST = publicRoute(async ({ request, client }) => {
  const { token, name } = await readJson(request, registerOptionsSchema);
  return json(await startRegistration(getDb(), webContext().rp, { token, name }, client));
});
