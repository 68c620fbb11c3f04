import Link from "next/link";

/** Shown (with HTTP 403) when a signed-in operator opens a page their roles do not allow. */
export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-md p-12 text-center">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        Your roles do not include access to this page. If you need it, ask an administrator to change your roles.
      </p>
      <Link href="/" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
        Back to the overview
      </Link>
    </main>
  );
}
