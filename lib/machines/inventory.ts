/**
 * The machine inventory as operators browse it: server-side search, filters, sort and
 * pages, so the Console stays fast at tens of thousands of machines (bench: npm run bench --
 * machines). Tags are stored as a JSON array of validated tags (no quotes or backslashes),
 * so `"tag"` occurring in the text is an exact match of one element.
 */
import { z } from "zod";
import type { Db } from "../db/client";
import { Prisma, type Machine as MachineRow } from "../db/generated/client";
import { MACHINE_EVENTS } from "./events";
import { machineFromRow, MACHINE_STATUSES, type Machine } from "./model";
import { MACHINE_COLUMNS } from "./repository";

export const MACHINE_SORTS = ["name", "status", "environment", "lastSeenAt", "createdAt"] as const;
export const MAX_PAGE_SIZE = 200;

/** The list's query string, parsed: anything unknown or out of range is a clear 400. */
export const machineQuerySchema = z.object({
  q: z.string().trim().max(200).optional().default(""),
  status: z.enum(MACHINE_STATUSES).optional(),
  tag: z.string().trim().max(64).optional(),
  environment: z.string().trim().max(100).optional(),
  sort: z.enum(MACHINE_SORTS).optional().default("name"),
  order: z.enum(["asc", "desc"]).optional().default("asc"),
  page: z.coerce.number().int().min(1).max(1_000_000).optional().default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().default(50),
});
export type MachineQuery = z.infer<typeof machineQuerySchema>;

export interface MachinePage {
  items: Machine[];
  total: number;
  page: number;
  pageSize: number;
}

/** A LIKE pattern that matches `text` literally (% _ and \\ escaped), anywhere in the value. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The filters as SQL. Raw on purpose: Prisma's `contains` does not escape LIKE's wildcards,
 * so a search for "web_01" would match "webX01" and a tag filter "_" every tag. Written once
 * for SQLite and PostgreSQL (LOWER on both sides: SQLite's LIKE ignores ASCII case only).
 */
function whereOf(query: MachineQuery): Prisma.Sql {
  const like = (column: string, text: string) => Prisma.sql`LOWER(${Prisma.raw(`"${column}"`)}) LIKE LOWER(${containsPattern(text)}) ESCAPE '\\'`;
  const and: Prisma.Sql[] = [];
  if (query.q) {
    and.push(Prisma.sql`(${like("name", query.q)} OR ${like("description", query.q)} OR ${like("owner", query.q)} OR "id" = ${query.q} OR "keyId" = ${query.q})`);
  }
  if (query.status) and.push(Prisma.sql`"status" = ${query.status}`);
  if (query.environment) and.push(Prisma.sql`"environment" = ${query.environment}`);
  // Tags are a JSON array of validated tags (no quotes or backslashes): "tag" with its quotes
  // occurs in the text exactly when it is one of the elements.
  if (query.tag) and.push(Prisma.sql`"tags" LIKE ${containsPattern(JSON.stringify(query.tag))} ESCAPE '\\'`);
  return and.length > 0 ? Prisma.sql`WHERE ${Prisma.join(and, " AND ")}` : Prisma.empty;
}

function orderOf(query: MachineQuery): Prisma.Sql {
  const direction = query.order === "desc" ? "DESC" : "ASC";
  // Never-seen machines last in either direction; the id breaks ties, so pages never repeat or skip a machine.
  const nulls = query.sort === "lastSeenAt" ? " NULLS LAST" : "";
  return Prisma.raw(`ORDER BY "${query.sort}" ${direction}${nulls}, "id" ASC`);
}

export async function listMachines(db: Db, query: MachineQuery): Promise<MachinePage> {
  const where = whereOf(query);
  const offset = (query.page - 1) * query.pageSize;
  const [rows, counted] = await Promise.all([
    db.$queryRaw<MachineRow[]>`SELECT ${MACHINE_COLUMNS} FROM "Machine" ${where} ${orderOf(query)} LIMIT ${query.pageSize} OFFSET ${offset}`,
    db.$queryRaw<{ total: bigint | number }[]>`SELECT COUNT(*) AS "total" FROM "Machine" ${where}`,
  ]);
  return { items: rows.map(machineFromRow), total: Number(counted[0]?.total ?? 0), page: query.page, pageSize: query.pageSize };
}

/** The values the filters offer: every environment and tag in use. */
export async function machineFacets(db: Db): Promise<{ environments: string[]; tags: string[] }> {
  const [environments, tagRows] = await Promise.all([
    db.machine.groupBy({ by: ["environment"], where: { environment: { not: "" } }, orderBy: { environment: "asc" } }),
    db.machine.findMany({ select: { tags: true }, distinct: ["tags"], where: { tags: { not: "[]" } } }),
  ]);
  const tags = new Set<string>();
  for (const row of tagRows) {
    try {
      for (const tag of JSON.parse(row.tags) as unknown[]) if (typeof tag === "string") tags.add(tag);
    } catch {
      // a hand-edited row: its tags are not offered
    }
  }
  return { environments: environments.map((e) => e.environment), tags: [...tags].sort() };
}

export interface ActivityItem {
  seq: number;
  time: Date;
  type: string;
  summary: string;
  actor: { type: string; id: string };
}

const OPERATOR_MACHINE_EVENTS = [MACHINE_EVENTS.registered, MACHINE_EVENTS.confirmed, MACHINE_EVENTS.suspended, MACHINE_EVENTS.resumed, MACHINE_EVENTS.revoked, MACHINE_EVENTS.permissionsChanged];

/**
 * The machine's latest audit entries, newest first: what it did (entries whose actor is one of
 * its keys, found by the actor index) and what operators did to it (lifecycle entries naming it).
 */
export async function machineActivity(db: Db, machine: Machine, retiredKeyIds: readonly string[], limit = 20): Promise<ActivityItem[]> {
  const select = { seq: true, time: true, type: true, summary: true, actorType: true, actorId: true } as const;
  const [own, about] = await Promise.all([
    db.auditEntry.findMany({ where: { actorId: { in: [machine.keyId, ...retiredKeyIds] }, actorType: "machine" }, orderBy: { seq: "desc" }, take: limit, select }),
    db.auditEntry.findMany({
      where: { type: { in: OPERATOR_MACHINE_EVENTS }, subjects: { contains: JSON.stringify({ machine: machine.id }).slice(1, -1) } },
      orderBy: { seq: "desc" },
      take: limit,
      select,
    }),
  ]);
  const bySeq = new Map([...own, ...about].map((row) => [row.seq, row]));
  return [...bySeq.values()]
    .sort((a, b) => b.seq - a.seq)
    .slice(0, limit)
    .map((row) => ({ seq: row.seq, time: row.time, type: row.type, summary: row.summary, actor: { type: row.actorType, id: row.actorId } }));
}

export async function retiredKeysOf(db: Db, machineId: string) {
  return db.retiredKey.findMany({ where: { machineId }, orderBy: { retiredAt: "desc" }, select: { keyId: true, retiredAt: true, reason: true } });
}
