// Child process for tests/admin/backup.test.ts: the Console's stand-in, appending audit entries
// to the database at DATABASE_URL, one write transaction each, until it gets SIGTERM (or after
// a minute, so a crashed test leaves nothing running).
import { recordAuditEvent } from "../../lib/audit/log";
import { createDb } from "../../lib/db/client";
import { writeTransaction } from "../../lib/db/transaction";

const db = createDb(process.env.DATABASE_URL!);
let stop = false;
process.on("SIGTERM", () => (stop = true));
const deadline = Date.now() + 60_000;
for (let i = 0; !stop && Date.now() < deadline; i++) {
  await writeTransaction(db, (tx) => recordAuditEvent(tx, { type: "test.writer", actor: { type: "host", id: "writer" }, summary: `write ${i}`, evidence: { i } }));
  await new Promise((resolve) => setTimeout(resolve, 2));
}
await db.$disconnect();
