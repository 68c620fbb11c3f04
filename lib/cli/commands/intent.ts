/**
 * pteri intent submit | status: declare an intent (what the machine wants to do, and the exact
 * request it will send to the resource service), see its decision, and wait for approvals.
 * The document is built and checked here with the server's own schema (lib/intents/wire.ts) and
 * its hash must match the server's; waiting long-polls and survives a restart of the Console.
 * Exit statuses follow the intent's status (INTENT_EXIT), so scripts can chain
 * `pteri intent submit … --wait && pteri request --intent ID …`.
 */
import { buildIntent, PteriSdkError, readPrivateKeyFile, submitIntent, getIntent } from "../../sdk/node";
import { nodeEd25519 } from "../../protocol/ed25519-node";
import type { IntentAnswer } from "../../intents/wire";
import { defineCommand, required } from "../command";
import { UsageError, oneLine } from "../errors";
import { printDiagnostic, printJson, printLine } from "../output";
import { serverOption } from "./enroll";
import { executeOption, intentIdOption, paramsOption, waitOption, withIntentArgv } from "./intent-args";
import { exitFor, INTENT_EXIT, intentFailure, printIntent, waitWhilePending } from "./intent-report";
import { readData } from "./request";

const SUBMIT = "intent submit";
const STATUS = "intent status";

const EXIT_HELP = `Exit status (the intent's status, also with --json):
  0  allowed or approved: it may be executed (pteri request --intent ID ...)
  3  denied, rejected or expired: it will never be executable
  4  still pending (no --wait, or --wait's SECONDS ran out)
  5  executed: already used (an intent executes once)
  1  failure: the Console refused the request, could not be reached, a file is unreadable
  2  usage error, including --params that is not a JSON object and an intent that fails the schema`;

const WAIT_HELP = `  --wait [SECONDS]       While the intent is pending, wait for the decision: at most SECONDS,
                         or without SECONDS until its approval deadline. Long polls the Console,
                         retrying through network errors and restarts; progress goes to stderr`;

const stillPending = (wait: number | null) => `The intent is still pending ${wait === null ? "past its deadline" : `after ${wait} s`} (exit ${INTENT_EXIT.pending}).`;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

/** POSIX shell quoting for a copy-paste hint. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** After the answer: a pointer to what to do next (stderr, so stdout stays the state). */
function nextStep(answer: IntentAnswer, hint: { server: string; keyFile: string; execute?: { method: string; url: string; data?: string } }): void {
  const id = shellQuote(answer.id);
  const key = shellQuote(hint.keyFile);
  if (answer.status === "pending") {
    printDiagnostic(`Wait for the decision: pteri intent status --server ${shellQuote(hint.server)} --key ${key} --wait ${id}`);
  } else if ((answer.status === "allowed" || answer.status === "approved") && hint.execute) {
    const { method, url, data } = hint.execute;
    const body = data === undefined ? "" : ` -d ${data === "@-" ? "@BODY_FILE" : shellQuote(data)}`;
    printDiagnostic(`Execute it: pteri request --key ${key} --intent ${id} -X ${method}${body} ${shellQuote(url)}`);
  }
}

export const intentSubmit = withIntentArgv(
  defineCommand({
    name: SUBMIT,
    summary: "Declare an intent (action, resource, params, the request to execute) for a policy decision",
    description:
      "Declares an intent: what this machine wants to do (action, resource, parameters), for which\n" +
      "resource service (audience), and the exact request it will send there once allowed (method,\n" +
      "URL and the digest of the body given with -d). Prints the intent's id, hash, status, the\n" +
      "deciding rule and reason, and its expiry. Submitting the same document again is idempotent.",
    usage: `${SUBMIT} --server URL --key FILE --action A --resource R [--params JSON|@FILE|@-] --audience URL --execute METHOD URL [-d DATA|@FILE|@-] [--nonce N] [--wait [SECONDS]] [--json]`,
    help: `Options:
  --server URL           The Console's address, e.g. https://pteri.example.com
  --key FILE             The machine's private key
  --action A             What to do: dot-separated lowercase words, e.g. payments.transfer
  --resource R           What to do it to, e.g. accounts/acme/checking
  --params JSON|@FILE|@- The parameters, a JSON object (default {}): inline, from FILE, or stdin
  --audience URL         The resource service that will execute it (its base URL)
  --execute METHOD URL   The request to execute later; URL must start with the audience
  -d, --data DATA|@FILE|@-
                         The body that request will send (exactly as pteri request -d reads it):
                         only its Content-Digest (sha-256) goes into the intent
  --nonce N              Makes an otherwise identical intent a new one
${WAIT_HELP}

Example:
  pteri intent submit --server https://pteri.example.com --key machine.pem \\
    --action payments.transfer --resource accounts/acme --params '{"amount": 25000}' \\
    --audience https://pay.example.com --execute POST https://pay.example.com/transfers \\
    -d @transfer.json --wait
  pteri request --key machine.pem --intent ID -d @transfer.json https://pay.example.com/transfers

With --json: the Console's answer {"id", "hash", "status", "decision", "expiresAt", "createdAt",
"approvals"?} and "created" (false for an identical resubmission); with --wait, the final state.

${EXIT_HELP}`,
    options: {
      server: { type: "string" },
      key: { type: "string" },
      action: { type: "string" },
      resource: { type: "string" },
      params: { type: "string" },
      audience: { type: "string" },
      execute: { type: "string" },
      data: { type: "string", short: "d" },
      nonce: { type: "string" },
      wait: { type: "string" },
    },
    async run({ values }) {
      const server = serverOption(values.server, SUBMIT);
      const keyFile = required(values.key, "--key FILE", SUBMIT, "the machine's private key");
      const action = required(values.action, "--action A", SUBMIT, "e.g. payments.transfer");
      const resource = required(values.resource, "--resource R", SUBMIT);
      const audience = required(values.audience, "--audience URL", SUBMIT, "the resource service's base URL");
      const execute = executeOption(values.execute, SUBMIT);
      const wait = waitOption(values.wait, SUBMIT);
      if (values.params === "@-" && values.data === "@-") throw new UsageError("--params and -d cannot both read standard input", SUBMIT);
      const params = await paramsOption(values.params, SUBMIT, readStdin);
      const body = values.data === undefined ? null : await readData(values.data);
      let intent;
      try {
        intent = buildIntent({ action, resource, params, audience, execute: { ...execute, body }, ...(values.nonce !== undefined ? { nonce: values.nonce } : {}) });
      } catch (error) {
        if (error instanceof PteriSdkError && error.code === "invalid_argument") throw new UsageError(error.message.replace(/\.$/, ""), SUBMIT);
        throw error;
      }
      const key = await readPrivateKeyFile(keyFile);
      let result;
      try {
        result = await submitIntent({ server, key: key.seed, intent, backend: nodeEd25519 });
      } catch (error) {
        throw intentFailure("intent submission", server, error);
      }
      const { created } = result;
      let answer = result.intent;
      if (!values.json) {
        printLine(created ? `Submitted intent ${oneLine(answer.id)}.` : `Intent ${oneLine(answer.id)} was already submitted (the same document); nothing new was created.`);
        printIntent(answer);
      }
      if (wait !== undefined && answer.status === "pending") {
        answer = await waitWhilePending(answer, { server, key: key.seed, limit: wait, what: "intent status" });
        if (!values.json) {
          printLine();
          printIntent(answer);
        }
      }
      if (values.json) printJson({ ...answer, created });
      else nextStep(answer, { server, keyFile, execute: { method: intent.execute.method, url: intent.execute.targetUri, ...(values.data !== undefined ? { data: values.data } : {}) } });
      if (wait !== undefined && answer.status === "pending") printDiagnostic(stillPending(wait));
      return exitFor(answer.status);
    },
  }),
);

export const intentStatus = withIntentArgv(
  defineCommand({
    name: STATUS,
    summary: "Show an intent's status and decision; --wait waits while it is pending",
    description: "Shows an intent of this machine: its status, the deciding rule and reason, approvals and expiry.",
    usage: `${STATUS} --server URL --key FILE [--wait [SECONDS]] [--json] ID`,
    help: `Options:
  --server URL           The Console's address, e.g. https://pteri.example.com
  --key FILE             The machine's private key (an intent is visible to its machine only)
${WAIT_HELP}

Example:
  pteri intent status --server https://pteri.example.com --key machine.pem --wait 600 int_123

With --json: the Console's answer {"id", "hash", "status", "decision", "expiresAt", "createdAt",
"approvals"?}.

${EXIT_HELP}`,
    options: {
      server: { type: "string" },
      key: { type: "string" },
      wait: { type: "string" },
    },
    maxPositionals: 1,
    async run({ values, positionals }) {
      const server = serverOption(values.server, STATUS);
      const keyFile = required(values.key, "--key FILE", STATUS, "the machine's private key");
      const id = intentIdOption(positionals[0], "ID", STATUS);
      const wait = waitOption(values.wait, STATUS);
      const key = await readPrivateKeyFile(keyFile);
      let answer: IntentAnswer;
      try {
        answer = await getIntent({ server, key: key.seed, id, backend: nodeEd25519 });
      } catch (error) {
        throw intentFailure("intent status", server, error);
      }
      if (wait !== undefined && answer.status === "pending") {
        answer = await waitWhilePending(answer, { server, key: key.seed, limit: wait, what: "intent status" });
      }
      if (values.json) printJson(answer);
      else {
        printIntent(answer);
        if (wait === undefined && answer.status === "pending") nextStep(answer, { server, keyFile });
      }
      if (wait !== undefined && answer.status === "pending") printDiagnostic(stillPending(wait));
      return exitFor(answer.status);
    },
  }),
);
