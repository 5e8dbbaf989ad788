import { useQuery } from '@tanstack/react-query';
import { authOptionsResponseSchema } from '../../../../protocol';
import { apiRequest } from '../../../lib/api-client';

/** `GET /api/auth/options`: the demo users and sign-up the server offers (none of either in production by default). */
export function useAuthOptions() {
  return useQuery({
    queryKey: ['auth', 'options'],
    queryFn: () => apiRequest('/api/auth/options', authOptionsResponseSchema),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
