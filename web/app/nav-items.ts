export interface NavItem {
  path: string;
  label: string;
}

export const navItems: readonly NavItem[] = [
  { path: '/reddit', label: 'Reddit' },
  { path: '/communities', label: 'Communities' },
  { path: '/purchase-orders', label: 'Purchase orders' },
  { path: '/runs', label: 'Runs' },
  { path: '/operations', label: 'Operations' },
  { path: '/demo', label: 'Demo' },
];
