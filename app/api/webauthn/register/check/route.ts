import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { describeInvitation } from "@/lib/operators/registration";
import { json, publicRoute, readJson } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** What a setup link or invitation grants, so the page can say so before a passkey is made. */
export const POST = publicRoute(async ({ request, client }) => {
  const { token } = await readJson(request, z.object({ token: z.string().max(100) }));
  return json({ invitation: await describeInvitation(getDb(), token, client) });
});
