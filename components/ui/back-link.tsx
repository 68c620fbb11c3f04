import Link from "next/link";

/** The way back from a detail page to its list ("← Machines"). */
export function BackLink({ href, children }: { href: string; children: React.ReactNode }) {
  return (
    <p className="mb-2 text-sm">
      <Link href={href} className="text-indigo-700 hover:underline dark:text-indigo-300">
        ← {children}
      </Link>
    </p>
  );
}
