-- Audit search (docs/audit.md, "Searching the trail"; lib/audit/search/), PostgreSQL's port of
-- prisma/migrations/20261205020000_audit_search: the same two tables, filled the same way.
--
-- Neither table below is in prisma/schema.prisma, for parity with SQLite (where Prisma cannot
-- describe the FTS5 table). lib/db/migrations.ts names them as external tables, so
-- `npm run db:migrate:create` leaves them alone (docs/database.md).
--
-- Both are filled by a trigger on AuditEntry INSERT, in the appending transaction. Audit
-- entries are never updated or deleted (the baseline's triggers refuse it), so there is no
-- update or delete trigger to keep in step.

-- Full text: one tsvector per entry, keyed by seq, searched through its GIN index. The text it
-- indexes is derived as on SQLite: summary, type, actor, subjects, and the evidence without
-- its signature blobs (base64 signatures, signature bases, passkey assertions, public keys),
-- which nobody searches by word and which would more than double the index.
CREATE TABLE "AuditEntryText" (
    "seq" INTEGER NOT NULL PRIMARY KEY,
    "document" tsvector NOT NULL
);
CREATE INDEX "AuditEntryText_document_idx" ON "AuditEntryText" USING GIN ("document");
-- The planner chooses between the GIN index (every match, then sorted by seq: right for a rare
-- word) and walking seq newest first checking each document (right for a common one, as FTS5
-- walks). A word missing from the sampled statistics is guessed at half the rarest sampled
-- word's frequency; a sample ten times the default keeps that guess low enough that a rare
-- word (an intent id) is looked up in the index rather than walked for.
ALTER TABLE "AuditEntryText" ALTER COLUMN "document" SET STATISTICS 1000;

-- Filter values that live inside the entries' JSON, one row per (field, value, entry):
-- machine, operator, action, decision, outcome. The primary key is the index a filter
-- walks newest first, and a second filter probes it per candidate entry.
CREATE TABLE "AuditSearchTerm" (
    "field" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    PRIMARY KEY ("field", "value", "seq")
);
-- An entry's own terms, for facet counts over a set of entries.
CREATE INDEX "AuditSearchTerm_seq_field" ON "AuditSearchTerm" ("seq", "field");

-- JSON text as jsonb, or NULL when it is not valid JSON (SQLite's json_valid): a bad row must
-- not break an append. jsonb cannot hold U+0000, which JSON text may escape; it becomes
-- U+FFFD (a `\u0000` preceded by an escaping backslash is literal text, and stays valid JSON).
CREATE FUNCTION "pteri_audit_search_jsonb"(input text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN replace(input, E'\\u0000', E'\\ufffd')::jsonb;
EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
    RETURN NULL;
END;
$$;

-- Words as FTS5's unicode61 tokenizer sees them: lowercase, every run of characters that are
-- not letters or digits a separator, so "payments.transfer" is "payments transfer" and
-- "in_3f" is "in 3f". lib/audit/search/fulltext.ts splits what a person types the same way.
-- ICU's root collation makes "letter", "digit" and lowercase Unicode's, whatever the
-- database's locale (under the C locale PostgreSQL's own know ASCII only). A server built
-- without ICU keeps the database locale's idea of them (docs/audit.md).
CREATE FUNCTION "pteri_audit_search_words"(input text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(lower(input), '[^[:alnum:]]+', ' ', 'g')
$$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
        CREATE OR REPLACE FUNCTION "pteri_audit_search_words"(input text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $words$
            SELECT regexp_replace(lower(input COLLATE "und-x-icu"), '[^[:alnum:]]+', ' ', 'g')
        $words$;
    END IF;
END;
$$;

-- The evidence as indexed: without the signature blobs (SQLite's json_remove, which ignores a
-- path that is not there or not an object), or the text as stored when it is not JSON.
CREATE FUNCTION "pteri_audit_search_evidence"(evidence text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    j jsonb := "pteri_audit_search_jsonb"(evidence);
BEGIN
    IF j IS NULL THEN
        RETURN evidence;
    END IF;
    IF jsonb_typeof(j) <> 'object' THEN
        RETURN j::text;
    END IF;
    j := j - ARRAY['signature', 'signatureBase', 'signatureInput', 'signatureHeader', 'publicJwk', 'nonce',
        'assertion', 'challenge', 'publicKey', 'statement', 'body'];
    IF jsonb_typeof(j -> 'request') = 'object' THEN
        j := jsonb_set(j, '{request}', (j -> 'request') - ARRAY['signature', 'signatureBase', 'signatureInput', 'signatureHeader']);
    END IF;
    IF jsonb_typeof(j #> '{document,execute}') = 'object' THEN
        j := jsonb_set(j, '{document,execute}', (j #> '{document,execute}') - 'bodyDigest');
    END IF;
    RETURN j::text;
END;
$$;

-- An entry's full-text document. A tsvector holds at most 1 MB of lexemes and positions
-- (about three times its text at worst), so text beyond 256 kB is tried whole and, past the
-- limit, indexed by its start rather than refusing the append.
CREATE FUNCTION "pteri_audit_search_document"(e "AuditEntry") RETURNS tsvector LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    words text := "pteri_audit_search_words"(concat_ws(' ', e."summary", e."type", e."actorType" || ' ' || e."actorId",
        e."subjects", "pteri_audit_search_evidence"(e."evidence")));
BEGIN
    IF octet_length(words) <= 262144 THEN
        RETURN to_tsvector('simple', words);
    END IF;
    BEGIN
        RETURN to_tsvector('simple', words);
    EXCEPTION WHEN program_limit_exceeded THEN
        RETURN to_tsvector('simple', left(words, 65536));
    END;
END;
$$;

-- An entry's filter values: the same rows as SQLite's trigger, only non-empty JSON strings.
CREATE FUNCTION "pteri_audit_search_terms"(e "AuditEntry") RETURNS TABLE ("field" text, "value" text) LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH j AS (
        SELECT "pteri_audit_search_jsonb"(e."subjects") AS "subjects", "pteri_audit_search_jsonb"(e."evidence") AS "evidence"
    ),
    -- Action and decision are the intent's, for every entry about an intent.
    intent AS (
        SELECT i."action", "pteri_audit_search_jsonb"(i."decision") AS "decision" FROM "Intent" i, j WHERE i."id" = j."subjects" ->> 'intent'
    )
    SELECT t."field", t."value" #>> '{}' FROM (
        SELECT 'machine' AS "field", j."subjects" -> 'machine' AS "value" FROM j
        UNION ALL SELECT 'machine', j."evidence" -> 'verifierMachineId' FROM j
        UNION ALL SELECT 'operator', to_jsonb(e."actorId") WHERE e."actorType" = 'operator'
        UNION ALL SELECT 'operator', j."subjects" -> 'operator' FROM j
        UNION ALL SELECT 'action', to_jsonb(intent."action") FROM intent
        UNION ALL SELECT 'decision', intent."decision" -> 'decision' FROM intent
        UNION ALL SELECT 'outcome', to_jsonb(CASE
            WHEN e."type" IN ('machine.request', 'intent.executed', 'intent.approved') THEN 'accepted'
            WHEN e."type" IN ('auth.failures', 'intent.execution_refused', 'intent.rejected') THEN 'refused'
            WHEN e."type" = 'intent.expired' THEN 'expired'
            WHEN e."type" = 'intent.submitted' THEN CASE j."evidence" -> 'status'
                WHEN '"allowed"' THEN 'accepted' WHEN '"pending"' THEN 'pending' WHEN '"denied"' THEN 'refused' END
            END) FROM j
    ) t WHERE jsonb_typeof(t."value") = 'string' AND t."value" <> '""'
$$;

CREATE FUNCTION "AuditEntry_search_index"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A row for this seq exists only if someone renumbered entries behind the guards' back:
    -- index what is there now rather than fail the append (the hash chain reports the rest).
    INSERT INTO "AuditEntryText" ("seq", "document") VALUES (NEW."seq", "pteri_audit_search_document"(NEW))
    ON CONFLICT ("seq") DO UPDATE SET "document" = EXCLUDED."document";
    INSERT INTO "AuditSearchTerm" ("field", "value", "seq")
    SELECT t."field", t."value", NEW."seq" FROM "pteri_audit_search_terms"(NEW) t
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "AuditEntry_search_index" AFTER INSERT ON "AuditEntry"
    FOR EACH ROW EXECUTE FUNCTION "AuditEntry_search_index"();

-- Backfill: the entries already in the log, as the trigger would have indexed them.
INSERT INTO "AuditEntryText" ("seq", "document")
SELECT e."seq", "pteri_audit_search_document"(e) FROM "AuditEntry" e;

INSERT INTO "AuditSearchTerm" ("field", "value", "seq")
SELECT t."field", t."value", e."seq" FROM "AuditEntry" e CROSS JOIN LATERAL "pteri_audit_search_terms"(e) t
ON CONFLICT DO NOTHING;
