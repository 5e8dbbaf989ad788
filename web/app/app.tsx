import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { BrowserRouter } from 'react-router';
import { ErrorBoundary } from './error-boundary';
import { AppRoutes } from './router';

/** Development only: `import.meta.env.DEV` is a build-time constant, so production never bundles it. */
const QueryDevtools =
  import.meta.env.DEV && import.meta.env.MODE !== 'test'
    ? lazy(() =>
        import('@tanstack/react-query-devtools').then(({ ReactQueryDevtools }) => ({
          default: ReactQueryDevtools,
        })),
      )
    : null;

export interface AppProps {
  queryClient: QueryClient;
}

/** Providers and the router. The stream is not started here: it lives outside React (boot.ts). */
export function App({ queryClient }: AppProps) {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
        {QueryDevtools && (
          <Suspense fallback={null}>
            <QueryDevtools buttonPosition="bottom-left" />
          </Suspense>
        )}
      </QueryClientProvider>
    </ErrorBoundary>
  );
}
