"use client";

/**
 * Data for the Settings page's Webhooks section (app/api/webhooks/**): query keys next to the
 * calls that change them, so a change refreshes exactly what it affects.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "../api/fetch-json";
import { WEBHOOKS_PATH, type WebhookDeliveryPage, type WebhookEndpointInput, type WebhookList } from "@/lib/webhooks/wire";

export const webhookKeys = {
  all: ["webhooks"] as const,
  list: ["webhooks", "list"] as const,
  deliveries: (id: string, page: number) => ["webhooks", "deliveries", id, page] as const,
};

const endpointPath = (id: string) => `${WEBHOOKS_PATH}/${encodeURIComponent(id)}`;
export const DELIVERY_PAGE_SIZE = 10;

/** Refreshes itself while an enabled endpoint has deliveries in flight, so its counts follow its log. */
export const useWebhooks = () =>
  useQuery({
    queryKey: webhookKeys.list,
    queryFn: () => apiFetch<WebhookList>(WEBHOOKS_PATH),
    refetchInterval: (query) => (query.state.data?.endpoints.some((e) => e.enabled && e.deliveries.pending > 0) ? 5_000 : false),
  });

/** While anything is still being tried, the log refreshes itself every few seconds. */
export const useDeliveries = (id: string, page: number) =>
  useQuery({
    queryKey: webhookKeys.deliveries(id, page),
    queryFn: () => apiFetch<WebhookDeliveryPage>(`${endpointPath(id)}/deliveries?page=${page}&pageSize=${DELIVERY_PAGE_SIZE}`),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === "pending") ? 3_000 : false),
  });

/** A mutation that refreshes the webhook list and every delivery log when it succeeds. */
export function useWebhookMutation<I, O>(run: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => client.invalidateQueries({ queryKey: webhookKeys.all }) });
}

export const createWebhookCall = (input: WebhookEndpointInput) => apiFetch<{ endpoint: { id: string } }>(WEBHOOKS_PATH, { method: "POST", body: input });
export const updateWebhookCall = ({ id, ...input }: Partial<WebhookEndpointInput> & { id: string }) => apiFetch(endpointPath(id), { method: "PATCH", body: input });
export const sendTestCall = (id: string) => apiFetch<{ eventId: string }>(`${endpointPath(id)}/test`, { method: "POST" });
export const redeliverCall = ({ id, deliveryId }: { id: string; deliveryId: string }) =>
  apiFetch(`${endpointPath(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, { method: "POST" });
