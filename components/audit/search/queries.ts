"use client";

/** The audit search's data: GET /api/audit/entries, one keyset page after another. */
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { AuditSearchResponse } from "@/lib/audit/search/wire";
import { apiFetch } from "../../api/fetch-json";

export function useAuditSearch(query: string) {
  return useInfiniteQuery({
    queryKey: ["audit", "search", query],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams(query);
      if (pageParam) params.set("cursor", pageParam);
      return apiFetch<AuditSearchResponse>(`/api/audit/entries?${params.toString()}`);
    },
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
