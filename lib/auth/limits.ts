/** Size limits applied before any parsing or cryptography, so hostile requests stay cheap. */
import { MAX_SIGNATURE_HEADER_LENGTH } from "../protocol/httpsig/parse";

/** Largest request body the machine API reads (1 MiB); a larger one is refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Signature-Input and Signature above this are refused by the protocol library's parser. */
export const MAX_SIGNATURE_HEADER_BYTES = MAX_SIGNATURE_HEADER_LENGTH;
