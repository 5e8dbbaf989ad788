import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../protocol';
import { renderWithProviders } from '../test/render';
import { DemoPage } from './demo-page';

const labels: Record<RunStatus, string> = {
  waiting: 'Waiting',
  running: 'Running',
  passed: 'Passed',
  failed: 'Failed',
  error: 'Error',
  cancelled: 'Cancelled',
};

describe('RunBadgeSection', () => {
  it('shows the run badge in every run status, each with its label', () => {
    renderWithProviders(<DemoPage />);
    const region = screen.getByRole('region', { name: 'Run badge' });
    expect(screen.getByRole('link', { name: 'Run badge' })).toHaveAttribute('href', '#run-badge');
    for (const [status, label] of Object.entries(labels)) {
      expect(
        within(within(region).getByRole('figure', { name: status })).getByText(label),
      ).toBeInTheDocument();
    }
  });
});
