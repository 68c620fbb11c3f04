/**
 * Which published policies apply to a machine: the engine's own target matching
 * (policyTargets in lib/policies/compile.ts) against the machine's id and tags, so the
 * machine page shows exactly the policies that decide its intents.
 */
import type { Db } from "../../db/client";
import { findMachineById } from "../../machines/repository";
import { compilePolicies, policyTargets } from "../compile";
import { PolicyError } from "./errors";
import { publishedPolicies } from "./repository";
import type { ApplicablePolicy } from "./view";

/** A machine by id (its tags are read), or bare tags; neither: a machine with no tags. */
export interface ApplicableQuery {
  machineId?: string;
  tags?: readonly string[];
}

export async function applicablePolicies(db: Db, query: ApplicableQuery): Promise<ApplicablePolicy[]> {
  let machineId = "";
  let tags: readonly string[] = query.tags ?? [];
  if (query.machineId !== undefined) {
    const machine = await findMachineById(db, query.machineId);
    if (!machine) throw new PolicyError("machine_not_found", `No machine has the id ${JSON.stringify(query.machineId.slice(0, 64))}.`);
    machineId = machine.id;
    tags = machine.tags;
  }
  const set = compilePolicies(await publishedPolicies(db));
  const tagSet = new Set(tags);
  return set.policies.filter((p) => policyTargets(p, machineId, tagSet)).map((p) => ({ id: p.id, name: p.name, version: p.version }));
}
