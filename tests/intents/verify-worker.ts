// Child process for tests/intents/verify-concurrent.test.ts: from START_AT (ms since epoch),
// verifies the forwarded request in BODY (JSON) COUNT times at once as the resource service
// VERIFIER, on the database at DATABASE_URL, with the fixed clock NOW_MS. Prints the
// decisions as one JSON line.
import { createDb } from "../../lib/db/client";
import { verifyExecution } from "../../lib/intents/verify";
import { findMachineById } from "../../lib/machines/repository";
import { nodeEd25519 } from "../../lib/protocol/ed25519-node";

const db = createDb(process.env.DATABASE_URL!);
const verifier = (await findMachineById(db, process.env.VERIFIER!))!;
const body = new TextEncoder().encode(process.env.BODY!);
const now = new Date(Number(process.env.NOW_MS));
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(process.env.START_AT) - Date.now())));
const answers = await Promise.all(
  Array.from({ length: Number(process.env.COUNT) }, () => verifyExecution(db, { verifier, verifierKeyId: verifier.keyId, requestSeq: 0, body, now, backend: nodeEd25519 })),
);
process.stdout.write(`${JSON.stringify(answers.map((a) => a.reason))}\n`);
await db.$disconnect();
