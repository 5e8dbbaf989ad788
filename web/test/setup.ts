import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { clearProgressStack } from '../stores/progress-stack-store';
import { resetConnectionStore } from '../stores/connection-store';
import { resetSessionStore } from '../stores/session-store';
import { resetTaskStore } from '../stores/task-store';
import { server } from './msw-server';

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
