import { getDb } from "@/lib/db/client";
import { startAddPasskey } from "@/lib/operators/account-passkeys";
import { webContext } from "@/lib/session/context";
import { json, operatorRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

export const POST = operatorRoute("account.manage", async ({ operator, client }) =>
  json({ options: await startAddPasskey(getDb(), webContext().rp, operator, client) }),
);
