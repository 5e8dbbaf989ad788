import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { LazyMotion, MotionConfig } from 'motion/react';
import { BrowserRouter } from 'react-router';
import { ErrorBoundary } from './error-boundary';
import { AppRoutes } from './router';

const loadMotionFeatures = () => import('./motion-features').then((module) => module.default);

export interface AppProps {
  queryClient: QueryClient;
}

/** Providers and the router. The stream is not started here: it lives outside React (boot.ts). */
export function App({ queryClient }: AppProps) {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        {/* strict: a full `motion.*` component would pull every feature back into the first load. */}
        <LazyMotion features={loadMotionFeatures} strict>
          <MotionConfig reducedMotion="user">
            <BrowserRouter>
              <AppRoutes />
            </BrowserRouter>
          </MotionConfig>
        </LazyMotion>
      </QueryClientProvider>
    </ErrorBoundary>
  );
}
