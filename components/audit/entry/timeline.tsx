import Link from "next/link";
import type { CustodyRef, CustodyStep } from "@/lib/audit/custody/wire";
import { formatAbsolute } from "../../machines/format";

// Underlined: inside running text a link must not rely on colour alone.
const LINK = "text-indigo-700 underline underline-offset-2 hover:decoration-2 dark:text-indigo-300";
const MUTED = "text-zinc-600 dark:text-zinc-400";

const KIND_LABEL: Record<CustodyStep["kind"], string> = {
  policy: "Policy",
  request: "Signed request",
  intent: "Intent",
  approval: "Approval",
  decision: "Decision",
  expiry: "Expiry",
  verify_request: "Signed request",
  execution: "Execution",
  refusal: "Refused",
  entry: "Entry",
};

function RefLink({ href, item }: { href: string | null; item: CustodyRef }) {
  const label = item.name ?? item.id;
  return href ? (
    <Link href={href} className={`${LINK} break-all`}>
      {label}
    </Link>
  ) : (
    <span className="break-all">{label}</span>
  );
}

function Actor({ step, canReadOperators }: { step: CustodyStep; canReadOperators: boolean }) {
  const { actor } = step;
  if (actor.machine) return <>machine <RefLink href={`/machines/${encodeURIComponent(actor.machine.id)}`} item={actor.machine} /></>;
  // /operators is for admins and auditors: others see the name without a link they could not follow.
  if (actor.operator) return <>operator <RefLink href={canReadOperators ? "/operators" : null} item={actor.operator} /></>;
  return (
    <>
      {actor.type} <span className="break-all">{actor.id}</span>
    </>
  );
}

function StepItem({ step, current, canReadOperators }: { step: CustodyStep; current: boolean; canReadOperators: boolean }) {
  return (
    <li aria-current={current ? "step" : undefined} className="relative border-l-2 border-zinc-200 pb-5 pl-5 last:pb-0 dark:border-zinc-700">
      <span aria-hidden className={`absolute top-1 -left-[7px] h-3 w-3 rounded-full ${current ? "bg-indigo-600 dark:bg-indigo-400" : "bg-zinc-300 dark:bg-zinc-600"}`} />
      <p className={`text-xs ${MUTED}`}>
        {KIND_LABEL[step.kind]} · <time dateTime={step.time} title={step.time}>{formatAbsolute(step.time)}</time> ·{" "}
        {current ? <span className="font-medium">entry {step.seq} (this entry)</span> : <Link href={`/audit/${step.seq}`} className={LINK}>entry {step.seq}</Link>}
      </p>
      <p className="mt-0.5 text-sm font-medium break-words">{step.title}</p>
      <p className="mt-0.5 text-sm break-words">{step.summary}</p>
      <dl className={`mt-1 grid gap-x-3 gap-y-0.5 text-xs sm:grid-cols-[5rem_1fr] ${MUTED}`}>
        <dt>By</dt>
        <dd>
          <Actor step={step} canReadOperators={canReadOperators} />
        </dd>
        {step.machine && step.machine.id !== step.actor.machine?.id ? (
          <>
            <dt>Machine</dt>
            <dd>
              <RefLink href={`/machines/${encodeURIComponent(step.machine.id)}`} item={step.machine} />
            </dd>
          </>
        ) : null}
        {step.policies.map((p) => (
          <PolicyRow key={`${p.id}@${p.version}`} policy={p} />
        ))}
        {step.reason ? (
          <>
            <dt>Reason</dt>
            <dd className="break-words text-zinc-900 dark:text-zinc-100">“{step.reason}”</dd>
          </>
        ) : null}
      </dl>
    </li>
  );
}

function PolicyRow({ policy }: { policy: CustodyStep["policies"][number] }) {
  return (
    <>
      <dt>Policy</dt>
      <dd>
        <RefLink href={`/policies/${encodeURIComponent(policy.id)}`} item={policy} /> v{policy.version}
        {policy.ruleId ? <> · rule <code className="break-all">{policy.ruleId}</code></> : null}
      </dd>
    </>
  );
}

/** The chain of custody, oldest first, each step linked to its entry, machine, operator and policy. */
export function CustodyTimeline({ steps, seq, canReadOperators }: { steps: CustodyStep[]; seq: number; canReadOperators: boolean }) {
  return (
    <ol aria-label="Chain of custody" className="ml-1.5">
      {steps.map((step) => (
        <StepItem key={step.seq} step={step} current={step.seq === seq} canReadOperators={canReadOperators} />
      ))}
    </ol>
  );
}
