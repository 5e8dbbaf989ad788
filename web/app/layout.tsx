import { Activity, LogOut, Menu, X } from 'lucide-react';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { Button } from '../components/ui/button';
import { ConnectionIndicator } from '../components/ui/connection-indicator';
import { ThemeToggle } from '../components/ui/theme-toggle';
import { useSignOut } from '../features/auth/api/sign-out';
import { InboxButton } from '../features/inbox/components/inbox-button';
import { useFocusRescue } from '../lib/use-focus-rescue';
import { useRouteFocus } from '../lib/use-route-focus';
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

function PageLoading() {
  return (
    <p className="py-10 text-center text-sm text-slate-600" role="status">
      Loading…
    </p>
  );
}

/**
 * The signed-in shell: header (nav, connection indicator, theme, sign out), the page, the progress
 * stack. The header fits 320 px in every connection state: the full nav shows from `lg`, below it
 * the menu holds the nav and sign-out; room is left for one more icon button beside the theme
 * toggle.
 */
export function AppLayout() {
  const session = useSessionStore((s) => s.session);
  const location = useLocation();
  const signOut = useSignOut();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const main = useRef<HTMLElement>(null);
  useFocusRescue();
  useRouteFocus(location.key, main);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  if (session.status === 'unknown') {
    return (
      <div className="grid min-h-dvh place-items-center text-sm text-slate-600" role="status">
        Loading…
      </div>
    );
  }
  if (session.status === 'signed-out') {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }

  const signOutButton = (compact: boolean) => (
    <Button
      variant="ghost"
      size="sm"
      onClick={() => signOut.mutate()}
      aria-disabled={signOut.isPending}
      aria-label={compact ? 'Sign out' : undefined}
    >
      <LogOut className="size-4" aria-hidden="true" />
      {compact ? <span className="hidden xl:inline">Sign out</span> : 'Sign out'}
    </Button>
  );

  return (
    <div className="min-h-dvh">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex max-w-6xl items-center gap-2 px-3 py-2 sm:gap-3 sm:px-4">
          <NavLink
            to="/communities"
            className="flex shrink-0 items-center gap-1.5 font-semibold text-slate-900"
            aria-label="taskstream home"
          >
            <Activity className="size-5 text-indigo-600" aria-hidden="true" />
            {/* Below 420 px the name gives its room to the header's buttons; the link keeps it as its name. */}
            <span className="max-[419px]:sr-only">taskstream</span>
          </NavLink>
          <nav aria-label="Main" className="hidden min-w-0 flex-1 items-center gap-1 lg:flex">
            <NavItems />
          </nav>
          <div className="ml-auto flex shrink-0 items-center gap-1 sm:gap-2">
            <ConnectionIndicator />
            <InboxButton />
            <span className="hidden text-sm text-slate-600 xl:inline">{session.user.name}</span>
            <ThemeToggle />
            <span className="hidden sm:contents">{signOutButton(true)}</span>
            <Button
              ref={menuButton}
              variant="ghost"
              size="sm"
              className="lg:hidden"
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
          <div id="mobile-nav" className="border-t border-slate-100 px-3 py-2 lg:hidden">
            <nav aria-label="Main" className="flex flex-col gap-1">
              <NavItems onNavigate={() => setMenuOpen(false)} />
            </nav>
            <div className="mt-2 flex items-center justify-between gap-2 border-t border-slate-100 pt-2 sm:hidden">
              <span className="truncate text-sm text-slate-600">{session.user.name}</span>
              {signOutButton(false)}
            </div>
          </div>
        )}
      </header>
      <main
        ref={main}
        id="main"
        className="mx-auto max-w-6xl px-4 pt-6 pb-[calc(var(--progress-stack-height,0px)+2.5rem)]"
      >
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </main>
      <Suspense fallback={null}>
        <GlobalProgress />
      </Suspense>
    </div>
  );
}
