"use client";

import { ErrorMessage, Loading } from "../ui/alert";
import { OperatorRow } from "./operator-row";
import { useOperators } from "./queries";

export function OperatorsList({ selfId, canManage }: { selfId: string; canManage: boolean }) {
  const operators = useOperators();
  if (operators.isPending) return <Loading label="Loading operators…" />;
  if (operators.isError) return <ErrorMessage>Could not load operators: {operators.error.message}</ErrorMessage>;
  return (
    <ul aria-label="Operators" className="divide-y divide-zinc-200 dark:divide-zinc-800">
      {operators.data.map((op) => (
        <OperatorRow key={op.id} operator={op} isSelf={op.id === selfId} canManage={canManage} />
      ))}
    </ul>
  );
}
