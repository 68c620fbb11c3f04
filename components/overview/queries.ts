"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch } from "../api/fetch-json";
import { OVERVIEW_PATH, type Overview, type OverviewRange } from "@/lib/overview/wire";

/** Fresh enough for a dashboard left open; pending approvals have their own live page. */
const OVERVIEW_POLL_MS = 30_000;

export const useOverview = (range: OverviewRange) =>
  useQuery({
    queryKey: ["overview", range],
    queryFn: () => apiFetch<Overview>(`${OVERVIEW_PATH}?range=${range}`),
    refetchInterval: OVERVIEW_POLL_MS,
    // Switching ranges keeps the old bars until the new ones arrive: no layout jump.
    placeholderData: keepPreviousData,
  });
