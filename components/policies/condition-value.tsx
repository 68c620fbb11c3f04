"use client";

/**
 * The value of one condition, with a control typed by its operator: a number for lt/lte/gt/gte,
 * a typed scalar for eq/ne, a list for in/not_in, a pattern for glob and regex, present/absent
 * for exists. Comparisons never convert types (docs/policies.md), so the control says which
 * JSON type the value has.
 */
import { asArray, type Json } from "./doc";
import { BufferedInput, EditorField, formatNumberish, parseNumberish, SMALL_INPUT } from "./controls";

const NUMERIC = new Set(["lt", "lte", "gt", "gte"]);

/** A value carried over sensibly when the operator changes. */
export function convertValue(value: unknown, operator: string): Json {
  const scalar = Array.isArray(value) ? (value[0] ?? "") : value;
  if (NUMERIC.has(operator)) return typeof scalar === "number" ? scalar : typeof scalar === "string" && Number.isFinite(Number(scalar)) && scalar.trim() !== "" ? Number(scalar) : 0;
  if (operator === "in" || operator === "not_in") return Array.isArray(value) ? (value as Json[]) : scalar === "" || scalar === undefined ? [] : [scalar as Json];
  if (operator === "exists") return typeof value === "boolean" ? value : true;
  if (operator === "glob" || operator === "regex") return typeof scalar === "string" ? scalar : scalar === undefined || scalar === null ? "" : String(scalar);
  return scalar === undefined || (typeof scalar === "object" && scalar !== null) ? "" : (scalar as Json);
}

/** `EUR, 5, "5", true` -> ["EUR", 5, "5", true]: bare numbers, true, false and null are typed; quote to keep text. */
export function parseList(text: string): Json[] {
  if (text.trim() === "") return [];
  return text.split(",").map((part) => {
    const t = part.trim();
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
    if (t === "true" || t === "false" || t === "null") return JSON.parse(t) as Json;
    if (/^".*"$/.test(t)) {
      try {
        return JSON.parse(t) as string;
      } catch {
        return t;
      }
    }
    return t;
  });
}

export function formatList(value: unknown): string {
  return asArray(value)
    .map((v) => (typeof v === "string" ? (/^-?\d|^(true|false|null)$|,|^"/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)))
    .join(", ");
}

type ScalarType = "string" | "number" | "true" | "false" | "null";
function scalarType(value: unknown): ScalarType {
  if (typeof value === "number") return "number";
  if (value === true) return "true";
  if (value === false) return "false";
  if (value === null) return "null";
  return "string";
}

export function ConditionValue({ label, operator, value, onChange, error }: { label: string; operator: string; value: Json; onChange: (v: Json) => void; error: string | null }) {
  if (NUMERIC.has(operator)) {
    return (
      <EditorField label={label} error={error} hint="A number.">
        {(aria) => <BufferedInput {...aria} inputMode="decimal" value={value} format={formatNumberish} parse={parseNumberish} onValue={onChange} className={`${SMALL_INPUT} font-mono`} />}
      </EditorField>
    );
  }
  if (operator === "in" || operator === "not_in") {
    return (
      <EditorField label={label} error={error} hint='Comma-separated; numbers, true, false, null are typed; "quote" to keep text.'>
        {(aria) => <BufferedInput {...aria} value={value} format={formatList} parse={parseList} onValue={onChange} placeholder="EUR, USD" spellCheck={false} className={`${SMALL_INPUT} font-mono`} />}
      </EditorField>
    );
  }
  if (operator === "exists") {
    return (
      <EditorField label={label} error={error}>
        {(aria) => (
          <select {...aria} value={value === false ? "false" : "true"} onChange={(e) => onChange(e.currentTarget.value === "true")} className={SMALL_INPUT}>
            <option value="true">is present</option>
            <option value="false">is absent</option>
          </select>
        )}
      </EditorField>
    );
  }
  if (operator === "glob" || operator === "regex") {
    return (
      <EditorField label={label} error={error} hint={operator === "glob" ? "* within a segment, ** across segments." : "Matched in full; bounded (see docs)."}>
        {(aria) => <input {...aria} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.currentTarget.value)} spellCheck={false} className={`${SMALL_INPUT} font-mono`} />}
      </EditorField>
    );
  }
  // eq, ne (and an unknown operator): a scalar of a chosen JSON type.
  const type = scalarType(value);
  return (
    <div className="grid grid-cols-[minmax(0,6rem)_minmax(0,1fr)] gap-1">
      <EditorField label={`${label} type`}>
        {(aria) => (
          <select
            {...aria}
            value={type}
            onChange={(e) => {
              const t = e.currentTarget.value as ScalarType;
              onChange(t === "number" ? (parseNumberish(String(value ?? "")) as Json) : t === "string" ? (typeof value === "string" ? value : value === null ? "" : String(value)) : (JSON.parse(t) as Json));
            }}
            className={SMALL_INPUT}
          >
            <option value="string">text</option>
            <option value="number">number</option>
            <option value="true">true</option>
            <option value="false">false</option>
            <option value="null">null</option>
          </select>
        )}
      </EditorField>
      {type === "string" || type === "number" ? (
        <EditorField label={label} error={error}>
          {(aria) =>
            type === "number" ? (
              <BufferedInput {...aria} inputMode="decimal" value={value} format={formatNumberish} parse={parseNumberish} onValue={onChange} className={`${SMALL_INPUT} font-mono`} />
            ) : (
              <input {...aria} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.currentTarget.value)} spellCheck={false} className={`${SMALL_INPUT} font-mono`} />
            )
          }
        </EditorField>
      ) : (
        <p className="self-end pb-1.5 text-xs text-zinc-600 dark:text-zinc-400">{error ?? `The value is ${type}.`}</p>
      )}
    </div>
  );
}
