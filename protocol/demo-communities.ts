import type { Community } from './requests';
import { getTaskType } from './task-types';

/** Demo data for the Communities page, shared by the server's read-only route and the mocks. */
const topics = [
  'Payments & Billing',
  'Onboarding',
  'Search Relevance',
  'Mobile App',
  'Data Pipelines',
  'Customer Support',
  'Pricing Feedback',
  'Integrations',
  'Security & Compliance',
  'Performance',
  'Reporting',
  'Partner Network',
  'Content & SEO',
  'Developer Tools',
  'Community Events',
  'Hiring',
];

/** FNV-1a: a small stable hash, so the same user and generation always get the same table. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Deterministic demo communities: before any rebuild a seeded set of 8, after the n-th completed
 * rebuild the registry's `communities_count` of them, with members and edges that change per rebuild.
 */
export function demoCommunities(userId: string, generation: number): Community[] {
  const rebuilt = getTaskType('rebuild_communities').result;
  const count = generation === 0 ? 8 : Number(rebuilt.communities_count ?? 12);
  const start = hash(`${userId}:${generation}`) % topics.length;
  return Array.from({ length: count }, (_, i) => {
    const name = topics[(start + i) % topics.length]!;
    const seed = hash(`${userId}:${generation}:${i}`);
    const members = 12 + (seed % 140);
    return {
      id: `c${generation}-${i + 1}`,
      name,
      summary: `${members} entities discussing ${name.toLowerCase()}`,
      members,
      edges: members + ((seed >>> 8) % 90),
    };
  });
}
