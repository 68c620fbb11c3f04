import { getDb } from "@/lib/db/client";
import { startSignIn } from "@/lib/operators/sign-in";
import { webContext } from "@/lib/session/context";
import { json, publicRoute } from "@/lib/session/route";

export const dynamic = "force-dynamic";

/** A fresh sign-in challenge (single use, 5 minutes) for navigator.credentials.get(). */
export const POST = publicRoute(async ({ client }) => json({ options: await startSignIn(getDb(), webContext().rp, client) }));
