import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md p-12 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">There is nothing at this address.</p>
      <Link href="/" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
        Back to the overview
      </Link>
    </main>
  );
}
