import type { HealthResponse } from '../../../../protocol';

/** A healthy `/api/health` answer for tests, with the given connection figures. */
export function healthAnswer(
  connections: Partial<HealthResponse['connections']> = {},
  overrides: Partial<Omit<HealthResponse, 'connections'>> = {},
): HealthResponse {
  return {
    status: 'ok',
    redis: 'up',
    connections: { active: 1, total: 1, healthy: 1, unhealthy: 0, stale: 0, ...connections },
    averageConnectionMs: 0,
    connectionErrors: 0,
    uptimeS: 1,
    ...overrides,
  };
}
