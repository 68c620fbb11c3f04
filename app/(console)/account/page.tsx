import type { Metadata } from "next";
import { AccountPasskeys } from "@/components/account/account-passkeys";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { ROLE_DESCRIPTIONS } from "@/lib/operators/roles";
import { requirePage } from "@/lib/session/page";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const operator = await requirePage("account.manage");
  return (
    <>
      <PageHeader title="Your account" description="Your passkeys are how you sign in and, later, how your approvals are signed." />
      <Section title="Roles" description="Only an administrator can change them.">
        <ul className="space-y-1 text-sm">
          {operator.roles.map((role) => (
            <li key={role}>
              <span className="font-medium">{role}</span>: <span className="text-zinc-600 dark:text-zinc-400">{ROLE_DESCRIPTIONS[role]}</span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Passkeys" description="Keep at least two, on different devices, so losing one does not lock you out.">
        <AccountPasskeys />
      </Section>
    </>
  );
}
