export interface NavItem {
  path: string;
  label: string;
  /** What the page will hold, for pages other issues fill. */
  comingSoon?: string;
}

export const navItems: readonly NavItem[] = [
  { path: '/reddit', label: 'Reddit' },
  { path: '/communities', label: 'Communities' },
  {
    path: '/purchase-orders',
    label: 'Purchase orders',
    comingSoon: 'Purchase orders: AI parsing, database save and Shopify sync with a live activity feed.',
  },
  {
    path: '/runs',
    label: 'Runs',
    comingSoon: 'Test and job runs with status badges and a toast when each run ends.',
  },
  {
    path: '/operations',
    label: 'Operations',
    comingSoon: 'Connection counts and server health from /api/health.',
  },
  { path: '/demo', label: 'Demo' },
];
