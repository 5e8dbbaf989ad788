import { Activity, LogOut, Menu, X } from 'lucide-react';
import { lazy, Suspense, useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { Button } from '../components/ui/button';
import { ConnectionIndicator } from '../components/ui/connection-indicator';
import { useSignOut } from '../features/auth/api/sign-out';
import { InboxButton } from '../features/inbox/components/inbox-button';
import { useSessionStore } from '../stores/session-store';
import { navItems } from './nav-items';

/** The progress stack and the animation library it brings load after the page's first paint. */
const GlobalProgress = lazy(() =>
  import('../features/progress/components/global-progress').then(({ GlobalProgress }) => ({
    default: GlobalProgress,
  })),
);

function NavItems({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <>
      {navItems.map((item) => (
        <NavLink
          key={item.path}
          to={item.path}
          onClick={onNavigate}
          className={({ isActive }) =>
            `rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap ${
              isActive
                ? 'bg-indigo-50 text-indigo-700'
                : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'
            }`
          }
        >
          {item.label}
        </NavLink>
      ))}
    </>
  );
}

/** The signed-in shell: header (nav, connection indicator, sign out), the page, the progress stack. */
export function AppLayout() {
  const session = useSessionStore((s) => s.session);
  const location = useLocation();
  const signOut = useSignOut();
  const [menuOpen, setMenuOpen] = useState(false);

  if (session.status === 'unknown') {
    return (
      <div className="grid min-h-dvh place-items-center text-sm text-slate-500" role="status">
        Loading…
      </div>
    );
  }
  if (session.status === 'signed-out') {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }

  return (
    <div className="min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-2">
          <NavLink to="/communities" className="flex items-center gap-1.5 font-semibold text-slate-900">
            <Activity className="size-5 text-indigo-600" aria-hidden="true" />
            {/* Below 375 px the name gives its room to the header's buttons; the link keeps it as its name. */}
            <span className="max-[374px]:sr-only">taskstream</span>
          </NavLink>
          <nav aria-label="Main" className="hidden flex-1 items-center gap-1 overflow-x-auto md:flex">
            <NavItems />
          </nav>
          <div className="ml-auto flex min-w-0 items-center gap-2">
            <ConnectionIndicator />
            <InboxButton />
            <span className="hidden text-sm text-slate-600 sm:inline">{session.user.name}</span>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => signOut.mutate()}
              disabled={signOut.isPending}
              aria-label="Sign out"
            >
              <LogOut className="size-4" aria-hidden="true" />
              <span className="hidden sm:inline">Sign out</span>
            </Button>
            <Button
              variant="ghost"
              size="sm"
              className="md:hidden"
              aria-label={menuOpen ? 'Close menu' : 'Open menu'}
              aria-expanded={menuOpen}
              aria-controls="mobile-nav"
              onClick={() => setMenuOpen((x) => !x)}
            >
              {menuOpen ? (
                <X className="size-5" aria-hidden="true" />
              ) : (
                <Menu className="size-5" aria-hidden="true" />
              )}
            </Button>
          </div>
        </div>
        {menuOpen && (
          <nav
            id="mobile-nav"
            aria-label="Main"
            className="flex flex-col gap-1 border-t border-slate-100 px-4 py-2 md:hidden"
          >
            <NavItems onNavigate={() => setMenuOpen(false)} />
          </nav>
        )}
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6 pb-40">
        <Outlet />
      </main>
      <Suspense fallback={null}>
        <GlobalProgress />
      </Suspense>
    </div>
  );
}
