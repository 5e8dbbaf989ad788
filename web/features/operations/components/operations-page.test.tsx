import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import type { HealthResponse, Task } from '../../../../protocol';
import { mergeTasks } from '../../../stores/task-store';
import { advance, finish, makeTask } from '../../../test/factories';
import { server } from '../../../test/msw-server';
import { renderWithProviders } from '../../../test/render';
import { healthAnswer } from '../api/health-fixture';
import { OperationsPage } from './operations-page';

// happy-dom has no canvas: the chart's text alternative is what these tests read.
vi.mock('./live-chart', () => ({
  LiveChart: ({ title, summary }: { title: string; summary: string }) => (
    <p>
      {title}: {summary}
    </p>
  ),
}));

const health = healthAnswer(
  { active: 3, total: 9, healthy: 2, stale: 1 },
  { averageConnectionMs: 65_000, connectionErrors: 4, uptimeS: 3700 },
);

const metricsText = `# TYPE taskstream_sse_events_sent gauge
taskstream_sse_events_sent 120
taskstream_resets_total 2
taskstream_task_events_total{type="brand_analysis",event="started"} 3
taskstream_task_events_total{type="brand_analysis",event="completed"} 1
taskstream_task_events_total{type="brand_analysis",event="failed"} 1
`;

function serveOps(answer: HealthResponse = health, status = 200) {
  server.use(
    http.get('/api/health', () => HttpResponse.json(answer, { status })),
    http.get('/metrics', () => HttpResponse.text(metricsText)),
  );
}

function acceptBrandAnalyses(): { bodies: unknown[]; started: Task[] } {
  const bodies: unknown[] = [];
  const started: Task[] = [];
  server.use(
    http.post('/api/tasks', async ({ request }) => {
      bodies.push(await request.json());
      const task = makeTask({ type: 'brand_analysis', status: 'pending' });
      started.push(task);
      return HttpResponse.json({ task }, { status: 202 });
    }),
  );
  return { bodies, started };
}

function push(task: Task) {
  act(() => mergeTasks([task]));
}

describe('OperationsPage', () => {
  it('shows health, connections, counters and tasks by type from the two endpoints', async () => {
    serveOps();
    renderWithProviders(<OperationsPage />);
    expect(await screen.findByTestId('connections-active')).toHaveTextContent('3');
    expect(screen.getByTestId('health-status')).toHaveTextContent('OK');
    expect(screen.getByTestId('redis-state')).toHaveTextContent('Redis up');
    expect(screen.getByTestId('connections-stale')).toHaveTextContent('1');
    expect(screen.getByTestId('connections-average')).toHaveTextContent('1 min 5 s');
    expect(screen.getByTestId('connection-errors')).toHaveTextContent('4');
    expect(screen.getByTestId('resets')).toHaveTextContent('2');
    expect(screen.getByText(/Active connections: 3 now/)).toBeInTheDocument();
    const row = screen.getByRole('row', { name: /Analyzing Your Brand/ });
    // started, running, completed, failed, cancelled
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['3', '1', '1', '1', '0']);
  });

  it('shows a degraded server as such when health answers 503', async () => {
    serveOps({ ...health, status: 'degraded', redis: 'down' }, 503);
    renderWithProviders(<OperationsPage />);
    expect(await screen.findByTestId('health-status')).toHaveTextContent('Degraded');
    expect(screen.getByTestId('redis-state')).toHaveTextContent('Redis down');
  });

  it('says so when the endpoints cannot be read', async () => {
    server.use(
      http.get('/api/health', () => HttpResponse.error()),
      http.get('/metrics', () => HttpResponse.text('')),
    );
    renderWithProviders(<OperationsPage />);
    expect(await screen.findByRole('alert')).toHaveTextContent(/Could not read the server’s health/);
  });
});

describe('Brand analysis', () => {
  it('asks for a name and starts nothing when the field is empty', async () => {
    serveOps();
    const { bodies } = acceptBrandAnalyses();
    renderWithProviders(<OperationsPage />);
    await userEvent.click(screen.getByRole('button', { name: 'Analyze brand' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter a brand name.');
    expect(screen.getByLabelText('Brand name')).toHaveAttribute('aria-invalid', 'true');
    expect(bodies).toEqual([]);
  });

  it('starts an analysis for the brand and follows its stages, ETA and summary live', async () => {
    serveOps();
    const { bodies, started } = acceptBrandAnalyses();
    renderWithProviders(<OperationsPage />);
    await userEvent.type(screen.getByLabelText('Brand name'), '  Acme Coffee ');
    await userEvent.click(screen.getByRole('button', { name: 'Analyze brand' }));
    const card = await screen.findByTestId('brand-analysis-task');
    expect(bodies).toEqual([{ type: 'brand_analysis', params: { brand: 'Acme Coffee' } }]);
    expect(card).toHaveTextContent('Analysis of “Acme Coffee”');

    const first = started[0]!;
    const collecting = advance(first, {
      status: 'running',
      stage: 'collecting',
      message: 'Collecting brand mentions from 6 sources...',
      percent: 40,
      progress: { current: 2, total: 5, percent: 40 },
      etaMs: 7000,
    });
    push(collecting);
    expect(screen.getByTestId('brand-analysis-message')).toHaveTextContent('Collecting brand mentions');
    expect(card).toHaveTextContent('about 7 s left');
    expect(card.querySelector('[data-stage="initializing"]')).toHaveAttribute('data-state', 'done');
    expect(card.querySelector('[data-stage="analyzing"]')).toHaveAttribute('data-state', 'active');
    expect(screen.getByRole('progressbar', { name: 'Brand analysis progress' })).toHaveAttribute(
      'aria-valuenow',
      '40',
    );

    push(finish(collecting, 'completed'));
    expect(screen.getByTestId('brand-analysis-summary')).toHaveTextContent(/Mostly positive: 68% of 412/);
    expect(screen.getByText(/^Brand analysis finished: Mostly positive/)).toBeInTheDocument();
  });

  it('shows the error and starts the same brand again on retry', async () => {
    serveOps();
    const { bodies, started } = acceptBrandAnalyses();
    renderWithProviders(<OperationsPage />);
    await userEvent.type(screen.getByLabelText('Brand name'), 'Acme');
    await userEvent.click(screen.getByRole('button', { name: 'Analyze brand' }));
    await screen.findByTestId('brand-analysis-task');
    push(finish(started[0]!, 'failed', { error: 'API rate limit exceeded while collecting mentions.' }));
    expect(screen.getByRole('alert')).toHaveTextContent('API rate limit exceeded');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await vi.waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toEqual({ type: 'brand_analysis', params: { brand: 'Acme' } });
  });
});
