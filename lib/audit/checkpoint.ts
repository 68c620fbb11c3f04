/**
 * C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the signed statement
 * "log <origin> had <size> leaves with root <hash>", carried in a signed note.
 *
 *   example.com/log42\n
 *   20852163\n
 *   CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n
 *   [extension lines\n]
 *
 * Parsing is strict (one accepted spelling of each value: no leading zeros,
 * canonical padded base64, no empty lines) because the body is what gets
 * signed and compared; two spellings of one tree head would let a log
 * present "different" checkpoints for the same state, or vice versa.
 */
import type { Ed25519Backend } from "../protocol/ed25519";
import { base64Encode, isWellFormedUnicode, tryBase64Decode, utf8Encode } from "../protocol/encoding";
import { HASH_SIZE } from "./merkle-hash";
import { verifyNote, type NoteErrorCode, type NoteKey, type VerifyNoteOptions } from "./note";

export * from "./note";

/** Checkpoint bodies are a few hundred bytes; the bound leaves room for extension lines. */
export const MAX_CHECKPOINT_BYTES = 8 * 1024;

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions: string[];
}

export type ParseCheckpointResult =
  | { ok: true; checkpoint: Checkpoint }
  | { ok: false; code: "checkpoint_malformed"; message: string };

export type VerifyCheckpointResult =
  | { ok: true; checkpoint: Checkpoint; verifiedBy: string[] }
  | { ok: false; code: NoteErrorCode | "checkpoint_malformed" | "origin_mismatch"; message: string };

const CONTROL = /[\u0000-\u001F]/; // inside a single line even "\n" is not allowed
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function isValidLine(line: unknown): line is string {
  return typeof line === "string" && line.length > 0 && isWellFormedUnicode(line) && !CONTROL.test(line);
}

/** The checkpoint note text. Throws on values that could not be parsed back. */
export function formatCheckpoint(c: { origin: string; size: number; rootHash: Uint8Array; extensions?: readonly string[] }): string {
  if (!isValidLine(c.origin)) throw new TypeError("formatCheckpoint: origin must be a non-empty line");
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new RangeError("formatCheckpoint: size must be a non-negative safe integer");
  if (!(c.rootHash instanceof Uint8Array) || c.rootHash.length !== HASH_SIZE) throw new TypeError("formatCheckpoint: root hash must be 32 bytes");
  const extensions = c.extensions ?? [];
  if (!extensions.every(isValidLine)) throw new TypeError("formatCheckpoint: extension lines must be non-empty single lines");
  const text = [c.origin, String(c.size), base64Encode(c.rootHash), ...extensions].join("\n") + "\n";
  if (utf8Encode(text).length > MAX_CHECKPOINT_BYTES) throw new RangeError("formatCheckpoint: checkpoint too large");
  return text;
}

/** Strictly parses a checkpoint note text (the verified note body). Never throws. */
export function parseCheckpoint(text: unknown): ParseCheckpointResult {
  const fail = (message: string): ParseCheckpointResult => ({ ok: false, code: "checkpoint_malformed", message });
  if (typeof text !== "string") return fail("checkpoint must be a string");
  if (text.length > MAX_CHECKPOINT_BYTES || utf8Encode(text).length > MAX_CHECKPOINT_BYTES) return fail("checkpoint is too large");
  if (!text.endsWith("\n")) return fail("checkpoint must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) return fail("checkpoint needs origin, size and root hash lines");
  if (!lines.every(isValidLine)) return fail("checkpoint lines must be non-empty, without control characters");
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!DECIMAL.test(sizeText)) return fail("tree size must be decimal digits without leading zeros");
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return fail("tree size is too large");
  const rootHash = tryBase64Decode(rootText);
  if (!rootHash || rootHash.length !== HASH_SIZE) return fail("root hash must be canonical base64 of 32 bytes");
  return { ok: true, checkpoint: { origin, size, rootHash, extensions } };
}

/**
 * Verifies a signed checkpoint note against trusted log keys and parses it.
 * With `origin`, also checks the checkpoint is from that log: a valid
 * signature over another log's checkpoint is not evidence about this one.
 */
export async function verifyCheckpoint(
  note: string | Uint8Array,
  keys: readonly (string | NoteKey)[],
  backend: Ed25519Backend,
  options: VerifyNoteOptions & { origin?: string } = {},
): Promise<VerifyCheckpointResult> {
  const opened = await verifyNote(note, keys, backend, options);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.body);
  if (!parsed.ok) return parsed;
  if (options.origin !== undefined && parsed.checkpoint.origin !== options.origin) {
    return { ok: false, code: "origin_mismatch", message: `checkpoint is for log ${JSON.stringify(parsed.checkpoint.origin)}, not ${JSON.stringify(options.origin)}` };
  }
  return { ok: true, checkpoint: parsed.checkpoint, verifiedBy: opened.verifiedBy };
}
