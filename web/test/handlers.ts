import { HttpResponse, http } from 'msw';
import type { CommunitiesResponse, ListTasksResponse } from '../../protocol';

const emptyList: ListTasksResponse = { tasks: [], cursor: '100.0' };

export const communitiesV0: CommunitiesResponse = {
  communities: [
    { id: 'c0-1', name: 'Payments & Billing', summary: '40 entities', members: 40, edges: 60 },
    { id: 'c0-2', name: 'Onboarding', summary: '25 entities', members: 25, edges: 31 },
  ],
  generation: 0,
  rebuiltAt: null,
};

/** The signed-in happy path; tests override per case with `server.use(...)`. */
export const handlers = [
  http.get('/api/auth/me', () => HttpResponse.json({ user: { id: 'alice', name: 'alice' } })),
  http.get('/api/auth/options', () => HttpResponse.json({ demoUsers: ['alice', 'bob'], signup: true })),
  http.get('/api/tasks', () => HttpResponse.json(emptyList)),
  http.get('/api/communities', () => HttpResponse.json(communitiesV0)),
  http.get('/api/runs', () => HttpResponse.json({ runs: [] })),
  http.get('/api/inbox', () => HttpResponse.json({ entries: [], unseen: 0, readUpTo: null })),
];
