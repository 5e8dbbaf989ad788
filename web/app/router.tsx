import { createBrowserRouter, Navigate, type RouteObject, useRouteError } from 'react-router';
import { SignInPage } from '../features/auth/components/sign-in-page';
import { CommunitiesPage } from '../features/communities/components/communities-page';
import { ComingSoonPage } from '../features/placeholder/components/coming-soon-page';
import { ErrorScreen } from './error-boundary';
import { AppLayout } from './layout';
import { navItems } from './nav-items';

function RouteError() {
  const error = useRouteError();
  return <ErrorScreen message={error instanceof Error ? error.message : 'This page could not be shown.'} />;
}

function PageLoading() {
  return (
    <div className="grid min-h-dvh place-items-center text-sm text-slate-500" role="status">
      Loading…
    </div>
  );
}

function NotFound() {
  return (
    <div className="py-10 text-center">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600">There is nothing at this address.</p>
    </div>
  );
}

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteError /> },
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteError />,
    // Shown while a lazy page (the gallery) loads on the first visit.
    hydrateFallbackElement: <PageLoading />,
    children: [
      { index: true, element: <Navigate to="/communities" replace /> },
      { path: 'communities', element: <CommunitiesPage /> },
      {
        path: 'demo',
        // The gallery is its own chunk: people who never open it never load it.
        lazy: () => import('../demo/demo-page').then(({ DemoPage }) => ({ Component: DemoPage })),
      },
      {
        path: 'operations',
        lazy: () =>
          import('../features/operations/components/operations-page').then(({ OperationsPage }) => ({
            Component: OperationsPage,
          })),
      },
      ...navItems
        .filter((item) => item.comingSoon)
        .map((item) => ({
          path: item.path.slice(1),
          element: <ComingSoonPage title={item.label} description={item.comingSoon ?? ''} />,
        })),
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
