// Child process for tests/audit/concurrent.test.ts: appends COUNT entries, one write
// transaction each, to the database at DATABASE_URL, starting at START_AT (ms since epoch)
// so that both processes really append at the same time.
import { recordAuditEvent } from "../../lib/audit/log";
import { createDb } from "../../lib/db/client";
import { writeTransaction } from "../../lib/db/transaction";

const db = createDb(process.env.DATABASE_URL!);
const count = Number(process.env.COUNT);
const label = process.env.LABEL!;
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(process.env.START_AT) - Date.now())));
for (let i = 0; i < count; i++) {
  await writeTransaction(db, (tx) => recordAuditEvent(tx, { type: "test.concurrent", actor: { type: "host", id: label }, summary: `${label} ${i}`, evidence: { i } }));
}
await db.$disconnect();
