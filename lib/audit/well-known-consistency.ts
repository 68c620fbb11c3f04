/**
 * GET /.well-known/pteri-consistency?from=M[&to=N]: an RFC 9162 consistency proof that the
 * log's tree of M entries is a prefix of its tree of N entries, for a verifier that
 * remembered a checkpoint of size M (`pteri audit verify --server`). Public, like the
 * checkpoint: a proof only says something together with checkpoints signed by the log key.
 *
 * N may not exceed the latest signed checkpoint's size (the log answers only for trees it has
 * signed); without `to` it is that size, and the answer carries that checkpoint too.
 */
import { problemResponse } from "../http/problem";
import { base64Encode } from "../protocol/encoding";
import { currentCheckpoint } from "./checkpoint-store";
import { consistencyProofFor } from "./db-proofs";
import { getLogIdentity } from "./log-identity";
import { wellKnownDefaults, wellKnownUnavailable, type WellKnownDeps } from "./well-known";

export interface ConsistencyAnswer {
  from: number;
  to: number;
  /** base64 hashes; empty when from is 0 or from = to. */
  proof: string[];
  /** The latest checkpoint (signed note), when `to` was left out: the tree the proof leads to. */
  checkpoint?: string;
}

const PUBLIC = { "access-control-allow-origin": "*" };
const SIZE = /^(0|[1-9][0-9]{0,14})$/;

function invalid(detail: string): Response {
  return problemResponse({ code: "consistency_range_invalid", status: 400, title: "Invalid tree sizes", detail });
}

export async function consistencyResponse(url: URL, deps: WellKnownDeps = wellKnownDefaults()): Promise<Response> {
  const fromText = url.searchParams.get("from");
  const toText = url.searchParams.get("to");
  if (fromText === null || !SIZE.test(fromText) || (toText !== null && !SIZE.test(toText))) {
    return invalid("from (and to, if given) must be whole numbers of entries, like ?from=100&to=250.");
  }
  let latest;
  try {
    latest = await currentCheckpoint(deps.db, await getLogIdentity(deps.db, deps.config));
  } catch (error) {
    return wellKnownUnavailable(error);
  }
  const from = Number(fromText);
  const to = toText === null ? latest.size : Number(toText);
  if (from > to) return invalid(`from (${from}) must not exceed to (${to}).`);
  if (to > latest.size) return invalid(`to (${to}) is past the latest signed checkpoint (${latest.size} entries).`);
  let proof: Uint8Array[];
  try {
    proof = from === 0 ? [] : await consistencyProofFor(deps.db, from, to);
  } catch (error) {
    return wellKnownUnavailable(error);
  }
  const answer: ConsistencyAnswer = { from, to, proof: proof.map(base64Encode), ...(toText === null ? { checkpoint: latest.note } : {}) };
  return Response.json(answer, { headers: { ...PUBLIC, "cache-control": toText === null ? "no-cache" : "public, max-age=3600" } });
}
