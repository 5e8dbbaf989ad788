import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { CommunitiesPage } from '../features/communities/components/communities-page';
import { ErrorBoundary } from './error-boundary';
import { AppLayout } from './layout';

/*
 * Declarative routes (not the data router: the app loads its data outside the router, and the data
 * router is about 16 KB gzip more on the first load). Each page is its own chunk, loaded when first
 * visited, except the Communities page: it is where a signed-in person lands, so it ships with the
 * first load instead of waiting for a second request.
 */
const SignInPage = lazy(() =>
  import('../features/auth/components/sign-in-page').then(({ SignInPage }) => ({ default: SignInPage })),
);
const PurchaseOrdersPage = lazy(() =>
  import('../features/purchase-orders/components/purchase-orders-page').then(({ PurchaseOrdersPage }) => ({
    default: PurchaseOrdersPage,
  })),
);
const SignUpPage = lazy(() =>
  import('../features/auth/components/sign-up-page').then(({ SignUpPage }) => ({ default: SignUpPage })),
);
const RedditPage = lazy(() =>
  import('../features/reddit/components/reddit-page').then(({ RedditPage }) => ({ default: RedditPage })),
);
const DemoPage = lazy(() => import('../demo/demo-page').then(({ DemoPage }) => ({ default: DemoPage })));
const OperationsPage = lazy(() =>
  import('../features/operations/components/operations-page').then(({ OperationsPage }) => ({
    default: OperationsPage,
  })),
);
const RunsPage = lazy(() =>
  import('../features/runs/components/runs-page').then(({ RunsPage }) => ({ default: RunsPage })),
);
const RunDetailPage = lazy(() =>
  import('../features/runs/components/run-detail-page').then(({ RunDetailPage }) => ({
    default: RunDetailPage,
  })),
);

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

/** A page that fails to render shows the error screen until the person goes elsewhere. */
function PageBoundary({ children }: { children: React.ReactNode }) {
  const { pathname } = useLocation();
  return (
    <ErrorBoundary key={pathname}>
      <Suspense fallback={<PageLoading />}>{children}</Suspense>
    </ErrorBoundary>
  );
}

export function AppRoutes() {
  return (
    <PageBoundary>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/sign-up" element={<SignUpPage />} />
        <Route path="/" element={<AppLayout />}>
          <Route index element={<Navigate to="/communities" replace />} />
          <Route path="communities" element={<CommunitiesPage />} />
          <Route path="purchase-orders" element={<PurchaseOrdersPage />} />
          <Route path="reddit" element={<RedditPage />} />
          <Route path="demo" element={<DemoPage />} />
          <Route path="operations" element={<OperationsPage />} />
          <Route path="runs" element={<RunsPage />} />
          <Route path="runs/:id" element={<RunDetailPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </PageBoundary>
  );
}
