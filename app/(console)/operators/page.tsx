import type { Metadata } from "next";
import { InvitationsList } from "@/components/operators/invitations-list";
import { InviteForm } from "@/components/operators/invite-form";
import { OperatorsList } from "@/components/operators/operators-list";
import { TeamsPanel } from "@/components/operators/teams-panel";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { hasPermission } from "@/lib/operators/permissions";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Operators" };

export default async function OperatorsPage() {
  const operator = await requirePage("operators.read");
  const canManage = hasPermission(operator.roles, "operators.manage");
  const canManageTeams = hasPermission(operator.roles, "teams.manage");
  return (
    <>
      <PageHeader title="Operators" description="People who sign in with passkeys to enroll machines, edit policies and approve intents." />
      {canManage ? (
        <Section title="Invite an operator" description="A one-time link that lets someone create a passkey and join with the roles you choose.">
          <InviteForm />
        </Section>
      ) : null}
      <Section title="Pending invitations">
        <InvitationsList canManage={canManage} />
      </Section>
      <Section title="Operators" description="Disabled operators cannot sign in; operators are never deleted, so the audit log can always name them.">
        <OperatorsList selfId={operator.id} canManage={canManage} />
      </Section>
      <Section title="Teams" description="Named groups of operators that policies can require approvals from.">
        <TeamsPanel canManage={canManageTeams} />
      </Section>
    </>
  );
}
