-- Audit search (docs/audit.md, "Searching the trail"; lib/audit/search/).
--
-- Neither table below is in prisma/schema.prisma, because Prisma cannot describe an FTS5
-- virtual table. lib/db/migrations.ts names them (and FTS5's shadow tables) as external
-- tables, so `npm run db:migrate:create` leaves them alone (docs/database.md).
--
-- Both are filled by a trigger on AuditEntry INSERT, in the appending transaction. Audit
-- entries are never updated or deleted (the triggers of the machines_nonces_audit migration
-- refuse it), so there is no update or delete trigger to keep in step.

-- Full text. Contentless (content=''): it stores only the index, keyed by rowid = seq, and
-- the text it indexes is derived: the evidence without its signature blobs (base64
-- signatures, signature bases, passkey assertions, public keys), which nobody searches by
-- word and which would more than double the index.
CREATE VIRTUAL TABLE "AuditEntryText" USING fts5(
    summary, type, actor, subjects, evidence,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Filter values that live inside the entries' JSON, one row per (field, value, entry):
-- machine, operator, action, decision, outcome. The primary key is the index a filter
-- walks newest first, and a second filter probes it per candidate entry.
CREATE TABLE "AuditSearchTerm" (
    "field" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    PRIMARY KEY ("field", "value", "seq")
) WITHOUT ROWID;
-- An entry's own terms, for facet counts over a set of entries.
CREATE INDEX "AuditSearchTerm_seq_field" ON "AuditSearchTerm" ("seq", "field");

CREATE TRIGGER "AuditEntry_search_index" AFTER INSERT ON "AuditEntry"
BEGIN
    INSERT INTO "AuditEntryText" (rowid, summary, type, actor, subjects, evidence)
    VALUES (
        NEW."seq", NEW."summary", NEW."type", NEW."actorType" || ' ' || NEW."actorId", NEW."subjects",
        CASE WHEN json_valid(NEW."evidence") THEN json_remove(NEW."evidence",
            '$.signature', '$.signatureBase', '$.signatureInput', '$.signatureHeader', '$.publicJwk', '$.nonce',
            '$.request.signature', '$.request.signatureBase', '$.request.signatureInput', '$.request.signatureHeader',
            '$.assertion', '$.challenge', '$.publicKey', '$.statement', '$.body', '$.document.execute.bodyDigest')
        ELSE NEW."evidence" END
    );
    INSERT OR IGNORE INTO "AuditSearchTerm" ("field", "value", "seq")
    SELECT t."field", t."value", NEW."seq" FROM (
        SELECT 'machine' AS "field", json_extract(NEW."subjects", '$.machine') AS "value" WHERE json_valid(NEW."subjects")
        UNION ALL SELECT 'machine', json_extract(NEW."evidence", '$.verifierMachineId') WHERE json_valid(NEW."evidence")
        UNION ALL SELECT 'operator', NEW."actorId" WHERE NEW."actorType" = 'operator'
        UNION ALL SELECT 'operator', json_extract(NEW."subjects", '$.operator') WHERE json_valid(NEW."subjects")
        -- Action and decision are the intent's, for every entry about an intent.
        UNION ALL SELECT 'action', i."action" FROM "Intent" i WHERE json_valid(NEW."subjects") AND i."id" = json_extract(NEW."subjects", '$.intent')
        UNION ALL SELECT 'decision', json_extract(i."decision", '$.decision') FROM "Intent" i
            WHERE json_valid(NEW."subjects") AND i."id" = json_extract(NEW."subjects", '$.intent') AND json_valid(i."decision")
        UNION ALL SELECT 'outcome', CASE
            WHEN NEW."type" IN ('machine.request', 'intent.executed', 'intent.approved') THEN 'accepted'
            WHEN NEW."type" IN ('auth.failures', 'intent.execution_refused', 'intent.rejected') THEN 'refused'
            WHEN NEW."type" = 'intent.expired' THEN 'expired'
            WHEN NEW."type" = 'intent.submitted' AND json_valid(NEW."evidence") THEN CASE json_extract(NEW."evidence", '$.status')
                WHEN 'allowed' THEN 'accepted' WHEN 'pending' THEN 'pending' WHEN 'denied' THEN 'refused' END
            END
    ) t WHERE typeof(t."value") = 'text' AND t."value" <> '';
END;

-- Backfill: the entries already in the log, as the trigger would have indexed them.
INSERT INTO "AuditEntryText" (rowid, summary, type, actor, subjects, evidence)
SELECT "seq", "summary", "type", "actorType" || ' ' || "actorId", "subjects",
    CASE WHEN json_valid("evidence") THEN json_remove("evidence",
        '$.signature', '$.signatureBase', '$.signatureInput', '$.signatureHeader', '$.publicJwk', '$.nonce',
        '$.request.signature', '$.request.signatureBase', '$.request.signatureInput', '$.request.signatureHeader',
        '$.assertion', '$.challenge', '$.publicKey', '$.statement', '$.body', '$.document.execute.bodyDigest')
    ELSE "evidence" END
FROM "AuditEntry";

INSERT OR IGNORE INTO "AuditSearchTerm" ("field", "value", "seq")
SELECT t."field", t."value", t."seq" FROM (
    SELECT 'machine' AS "field", json_extract(e."subjects", '$.machine') AS "value", e."seq" FROM "AuditEntry" e WHERE json_valid(e."subjects")
    UNION ALL SELECT 'machine', json_extract(e."evidence", '$.verifierMachineId'), e."seq" FROM "AuditEntry" e WHERE json_valid(e."evidence")
    UNION ALL SELECT 'operator', e."actorId", e."seq" FROM "AuditEntry" e WHERE e."actorType" = 'operator'
    UNION ALL SELECT 'operator', json_extract(e."subjects", '$.operator'), e."seq" FROM "AuditEntry" e WHERE json_valid(e."subjects")
    UNION ALL SELECT 'action', i."action", e."seq" FROM "AuditEntry" e JOIN "Intent" i
        ON json_valid(e."subjects") AND i."id" = json_extract(e."subjects", '$.intent')
    UNION ALL SELECT 'decision', json_extract(i."decision", '$.decision'), e."seq" FROM "AuditEntry" e JOIN "Intent" i
        ON json_valid(e."subjects") AND i."id" = json_extract(e."subjects", '$.intent') AND json_valid(i."decision")
    UNION ALL SELECT 'outcome', CASE
        WHEN e."type" IN ('machine.request', 'intent.executed', 'intent.approved') THEN 'accepted'
        WHEN e."type" IN ('auth.failures', 'intent.execution_refused', 'intent.rejected') THEN 'refused'
        WHEN e."type" = 'intent.expired' THEN 'expired'
        WHEN e."type" = 'intent.submitted' AND json_valid(e."evidence") THEN CASE json_extract(e."evidence", '$.status')
            WHEN 'allowed' THEN 'accepted' WHEN 'pending' THEN 'pending' WHEN 'denied' THEN 'refused' END
        END, e."seq" FROM "AuditEntry" e
) t WHERE typeof(t."value") = 'text' AND t."value" <> '';
