// Next.js instrumentation hook: runs once when a server instance starts.
// Only the Node.js runtime touches the database and the data directory; the dynamic import
// keeps node:fs and the SQLite driver out of the Edge runtime's bundle.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerCheckpointSchedule } = await import("./lib/audit/checkpoint-schedule");
  startServerCheckpointSchedule();
  const { startServerIntentExpiry } = await import("./lib/intents/schedule");
  startServerIntentExpiry();
  const { startWebhookDispatcher } = await import("./lib/webhooks/schedule");
  startWebhookDispatcher();
}
