import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MotionConfig } from 'motion/react';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { ErrorBoundary } from './error-boundary';
import { createAppRouter } from './router';

export interface AppProps {
  queryClient: QueryClient;
}

/** Providers and the router. The stream is not started here: it lives outside React (boot.ts). */
export function App({ queryClient }: AppProps) {
  const [router] = useState(createAppRouter);
  return (
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <MotionConfig reducedMotion="user">
          <RouterProvider router={router} />
        </MotionConfig>
      </QueryClientProvider>
    </ErrorBoundary>
  );
}
