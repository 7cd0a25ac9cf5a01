// Server state. Lists stay fresh for a short while; only failed connections are retried (an
// envelope error would be answered the same way again).
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./client";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      retry: (failures, error) => error instanceof ApiError && error.code === 0 && failures < 2,
    },
  },
});
