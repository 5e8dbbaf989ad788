import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { MotionGlobalConfig } from 'motion/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { resetConnectionStore } from '../stores/connection-store';
import { clearProgressStack } from '../stores/progress-stack-store';
import { resetSessionStore } from '../stores/session-store';
import { resetTaskStore } from '../stores/task-store';
import { server } from './msw-server';

// happy-dom has no real Web Animations: jump to end states instead of animating.
MotionGlobalConfig.skipAnimations = true;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  resetTaskStore();
  resetConnectionStore();
  resetSessionStore();
  clearProgressStack();
});
afterAll(() => server.close());
