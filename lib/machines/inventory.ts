/**
 * The machine inventory as operators browse it: server-side search, filters, sort and
 * pages, so the Console stays fast at tens of thousands of machines (bench: npm run bench --
 * machines). Tags are stored as a JSON array of validated tags (no quotes or backslashes),
 * so `"tag"` occurring in the text is an exact match of one element.
 */
import { z } from "zod";
import { databaseKind, type Db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { MACHINE_EVENTS } from "./events";
import { machineFromRow, MACHINE_STATUSES, type Machine } from "./model";

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

function whereOf(db: Db, query: MachineQuery): Prisma.MachineWhereInput {
  // SQLite's LIKE ignores ASCII case already; PostgreSQL needs to be told.
  const mode = databaseKind(db) === "postgresql" ? ({ mode: "insensitive" } as const) : {};
  const and: Prisma.MachineWhereInput[] = [];
  if (query.q) {
    const contains = { contains: query.q, ...mode };
    and.push({ OR: [{ name: contains }, { description: contains }, { owner: contains }, { id: query.q }, { keyId: query.q }] });
  }
  if (query.status) and.push({ status: query.status });
  if (query.environment) and.push({ environment: query.environment });
  if (query.tag) and.push({ tags: { contains: JSON.stringify(query.tag) } });
  return { AND: and };
}

function orderOf(query: MachineQuery): Prisma.MachineOrderByWithRelationInput[] {
  const first: Prisma.MachineOrderByWithRelationInput =
    query.sort === "lastSeenAt" ? { lastSeenAt: { sort: query.order, nulls: "last" } } : { [query.sort]: query.order };
  // The id breaks ties, so pages never repeat or skip a machine.
  return [first, { id: "asc" }];
}

export async function listMachines(db: Db, query: MachineQuery): Promise<MachinePage> {
  const where = whereOf(db, query);
  const [rows, total] = await Promise.all([
    db.machine.findMany({ where, orderBy: orderOf(query), skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    db.machine.count({ where }),
  ]);
  return { items: rows.map(machineFromRow), total, page: query.page, pageSize: query.pageSize };
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
