import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';

// A 4xx will answer the same again; only network trouble and 5xx are worth a retry.
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

export function newQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}
