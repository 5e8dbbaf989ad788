import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scenarioDescriptions, scenarioNames } from '../../mocks/scenario-catalog';
import { getTaskType, stagesOf, type TaskType, taskTypeNames } from '../../protocol';
import { setRunningScenario } from '../dev/running-scenario';
import { formatClock, stageLabel } from '../lib/format';
import { applyTaskOps } from '../stores/task-store';
import { advance, finish, makeTask } from '../test/factories';
import { server } from '../test/msw-server';
import { renderWithProviders } from '../test/render';
import { DemoPage, gallerySections } from './demo-page';
import { demoCreatedAt, middleStage, taskStates } from './demo-tasks';
import { ScenarioPlayer } from './scenario-player';

/** The registry's fail message of the first step of `stage` (where the gallery's failures happen). */
function failMessage(type: TaskType, stage = middleStage(type)): string {
  const message = getTaskType(type).steps.find((s) => s.stage === stage)?.failMessage;
  if (!message) throw new Error(`no fail message for ${type} in ${stage}`);
  return message;
}

function section(title: string): HTMLElement {
  return screen.getByRole('region', { name: title });
}

function state(region: HTMLElement, label: string): HTMLElement {
  return within(region).getByRole('figure', { name: label });
}

const stateLabel = (key: string) => {
  const entry = taskStates.find((s) => s.key === key);
  if (!entry) throw new Error(`no state ${key}`);
  return entry.label;
};

describe('DemoPage', () => {
  afterEach(() => setRunningScenario(null));

  it('renders every section with a heading and a sidebar link to it', () => {
    renderWithProviders(<DemoPage />);
    expect(screen.getByRole('heading', { level: 1, name: 'Demo gallery' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Gallery' });
    for (const { id, title } of gallerySections) {
      expect(screen.getByRole('heading', { level: 2, name: title })).toBeInTheDocument();
      expect(within(nav).getByRole('link', { name: title })).toHaveAttribute('href', `#${id}`);
      expect(section(title)).toHaveAttribute('id', id);
    }
  });

  it('shows the progress bar at 0, 37 and 100 % and failed', () => {
    renderWithProviders(<DemoPage />);
    const bars = section('Progress bar');
    const value = (label: string) =>
      within(state(bars, label)).getByRole('progressbar').getAttribute('aria-valuenow');
    expect(value('0 %')).toBe('0');
    expect(value('37 %')).toBe('37');
    expect(value('100 %')).toBe('100');
    expect(value('Small, 37 %')).toBe('37');
    const failed = within(bars).getByRole('figure', { name: /^Failed at \d+ %$/ });
    expect(within(failed).getByRole('progressbar')).toHaveAttribute('aria-valuemax', '100');
  });

  it('shows the progress card in every task state, with the registry texts', () => {
    renderWithProviders(<DemoPage />);
    const cards = section('Progress card (toast)');
    const def = getTaskType('po_processing');
    const card = (key: string) => within(state(cards, stateLabel(key))).getByRole('article');
    expect(card('pending')).toHaveAttribute('data-status', 'pending');
    expect(within(card('pending')).getByText('Queued')).toBeInTheDocument();
    for (const percent of [0, 37, 100]) {
      const running = card(`running-${percent}`);
      expect(running).toHaveAttribute('data-status', 'running');
      expect(within(running).getByRole('progressbar', { name: def.title })).toHaveAttribute(
        'aria-valuenow',
        String(percent),
      );
    }
    // At 37 % the card says the registry's message of the last step reached (25 %).
    const reached = def.steps.filter((s) => s.current <= 37).at(-1);
    expect(within(card('running-37')).getByText(reached?.message ?? '')).toBeInTheDocument();
    expect(within(card('completed')).getByText(def.completedMessage)).toBeInTheDocument();
    expect(
      within(card('failed')).getByText(failMessage('po_processing', 'database_save')),
    ).toBeInTheDocument();
    expect(card('cancelled')).toHaveAttribute('data-status', 'cancelled');
    expect(within(card('cancelled')).getAllByText('Cancelled')).toHaveLength(1);
  });

  it('cancels a sample card on the page only, never through the API', async () => {
    const user = userEvent.setup();
    const requests: string[] = [];
    const onRequest = ({ request }: { request: Request }) => {
      requests.push(`${request.method} ${new URL(request.url).pathname}`);
    };
    server.events.on('request:start', onRequest);
    renderWithProviders(<DemoPage />);
    const running = within(state(section('Progress card (toast)'), stateLabel('running-37'))).getByRole(
      'article',
    );
    await user.click(within(running).getByRole('button', { name: /^Cancel / }));
    expect(running).toHaveAttribute('data-status', 'cancelled');
    server.events.removeListener('request:start', onRequest);
    expect(requests.filter((r) => r.includes('/cancel'))).toEqual([]);
  });

  it('shows many tasks: one card of every registry type', () => {
    const { container } = renderWithProviders(<DemoPage />);
    const many = container.querySelector('[data-state="many"]') as HTMLElement;
    const titles = within(many)
      .getAllByRole('article')
      .map((a) => a.getAttribute('aria-label'));
    expect(titles).toEqual(taskTypeNames.map((t) => `${getTaskType(t).title}: running`));
  });

  it('shows every connection state with its label', () => {
    renderWithProviders(<DemoPage />);
    const region = section('Connection indicator');
    const indicator = (label: string) =>
      state(region, label).querySelector('[data-connection]') as HTMLElement;
    expect(indicator('Connecting')).toHaveAttribute('data-connection', 'connecting');
    const word = (label: string) => within(indicator(label)).getByRole('button');
    expect(word('Connecting')).toHaveTextContent(/^Connecting/);
    expect(word('Live')).toHaveTextContent(/^Live/);
    expect(word('Reconnecting (attempt 3)')).toHaveTextContent(/^Reconnecting/);
    expect(indicator('Reconnecting (attempt 3)')).toHaveTextContent(
      /Connection lost \(attempt 3\); trying again in \d+ s/,
    );
    expect(word('Polling')).toHaveTextContent(/^Polling/);
    expect(indicator('Polling')).toHaveTextContent('Live updates paused — checking every 5 s');
    expect(indicator('Offline')).toHaveTextContent('Offline');
    expect(indicator('Signed out')).toHaveTextContent('Signed out');
  });

  it('shows a badge for every status', () => {
    renderWithProviders(<DemoPage />);
    const region = section('Status badge');
    const labels = { pending: 'Queued', running: 'Running', completed: 'Completed', failed: 'Failed' };
    for (const [status, label] of Object.entries(labels)) {
      expect(within(state(region, status)).getByText(label)).toBeInTheDocument();
    }
    expect(within(state(region, 'cancelled')).getByText('Cancelled')).toBeInTheDocument();
  });

  it('shows activity feed rows with HH:MM:SS, a badge per event and the registry messages', () => {
    renderWithProviders(<DemoPage />);
    const def = getTaskType('po_processing');
    const feed = within(section('Activity feed row')).getByRole('list', { name: `${def.title} activity` });
    const rows = within(feed).getAllByRole('listitem');
    // started, one row per registry step, completed; then a failure and a cancellation.
    expect(rows).toHaveLength(def.steps.length + 4);
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual([
      'started',
      ...def.steps.map(() => 'progress'),
      'completed',
      'failed',
      'cancelled',
    ]);
    for (const row of rows) {
      expect(row.querySelector('time')?.textContent).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    }
    expect(rows[0]?.querySelector('time')).toHaveTextContent(formatClock(demoCreatedAt));
    for (const step of def.steps) expect(within(feed).getByText(step.message)).toBeInTheDocument();
    expect(within(feed).getByText(def.completedMessage)).toBeInTheDocument();
    expect(within(feed).getByText(failMessage('po_processing'))).toBeInTheDocument();
  });

  it('shows the rebuild task card in every state', () => {
    renderWithProviders(<DemoPage />);
    const region = section('Task card');
    const card = (key: string) => within(state(region, stateLabel(key))).getByTestId('rebuild-task-card');
    const def = getTaskType('rebuild_communities');
    for (const { key, state: s } of taskStates) {
      const status = s.kind === 'running' ? 'running' : s.kind;
      expect(card(key)).toHaveAttribute('data-status', status);
    }
    for (const percent of [0, 37, 100]) {
      expect(within(card(`running-${percent}`)).getByRole('progressbar')).toHaveAttribute(
        'aria-valuenow',
        String(percent),
      );
    }
    expect(within(card('completed')).getByText(def.completedMessage)).toBeInTheDocument();
    expect(within(card('completed')).getByTestId('stat-communities')).toHaveTextContent(
      String(def.result.communities_count),
    );
    const alert = within(card('failed')).getByRole('alert');
    expect(alert).toHaveTextContent(failMessage('rebuild_communities'));
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(within(card('cancelled')).getByText('The rebuild was cancelled.')).toBeInTheDocument();
  });

  it('shows the purchase-order pipeline with a bar per registry stage', () => {
    renderWithProviders(<DemoPage />);
    const region = section('Pipeline card');
    const stages = stagesOf('po_processing');
    expect(stages).toEqual(['ai_parsing', 'database_save', 'shopify_sync']);
    const stateOf = (key: string) =>
      Array.from(state(region, stateLabel(key)).querySelectorAll('[data-stage]')).map(
        (li) => `${li.getAttribute('data-stage')}:${li.getAttribute('data-state')}`,
      );
    expect(stateOf('pending')).toEqual(stages.map((s) => `${s}:waiting`));
    expect(stateOf('running-37')).toEqual([
      'ai_parsing:active',
      'database_save:waiting',
      'shopify_sync:waiting',
    ]);
    expect(stateOf('running-100')).toEqual(stages.map((s) => `${s}:done`));
    expect(stateOf('completed')).toEqual(stages.map((s) => `${s}:done`));
    expect(stateOf('failed')).toEqual(['ai_parsing:done', 'database_save:failed', 'shopify_sync:waiting']);
    expect(stateOf('cancelled')).toEqual([
      'ai_parsing:cancelled',
      'database_save:waiting',
      'shopify_sync:waiting',
    ]);

    const running = state(region, stateLabel('running-37'));
    for (const stage of stages) {
      expect(
        within(running).getByRole('progressbar', { name: `${stageLabel(stage)} stage` }),
      ).toBeInTheDocument();
    }
    // 37 % reaches two of AI parsing's three steps.
    expect(within(running).getByRole('progressbar', { name: 'AI parsing stage' })).toHaveAttribute(
      'aria-valuenow',
      '67',
    );
    expect(within(state(region, 'Failed')).getByRole('alert')).toHaveTextContent(
      failMessage('po_processing', 'database_save'),
    );
  });

  it('shows the page header in each state of its action', () => {
    renderWithProviders(<DemoPage />);
    const region = section('Page headers');
    expect(within(state(region, 'Idle')).getByRole('button', { name: 'Rebuild communities' })).toBeEnabled();
    expect(within(state(region, 'Starting')).getByRole('button', { name: 'Starting…' })).toBeDisabled();
    expect(within(state(region, 'Running')).getByRole('button', { name: 'Rebuilding…' })).toBeDisabled();
    expect(within(state(region, 'Could not start')).getByRole('alert')).toHaveTextContent(
      'Could not start the rebuild',
    );
    // Samples are not the page's title: the gallery keeps one h1.
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
  });
});

describe('ScenarioPlayer', () => {
  afterEach(() => setRunningScenario(null));

  it('offers every scenario with its description', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ScenarioPlayer />);
    const select = screen.getByRole('combobox', { name: 'Scenario' });
    const options = within(select).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual([...scenarioNames]);
    expect(select).toHaveAccessibleDescription(scenarioDescriptions.happy);
    await user.selectOptions(select, 'burst');
    expect(select).toHaveAccessibleDescription(scenarioDescriptions.burst);
  });

  it('reloads onto MSW with ?scenario= when the page runs the real API', async () => {
    const user = userEvent.setup();
    const navigate = vi.fn();
    renderWithProviders(<ScenarioPlayer navigate={navigate} />);
    expect(screen.getByTestId('scenario-status')).toHaveTextContent('runs on the real API');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Scenario' }), 'server-down');
    await user.click(screen.getByRole('button', { name: /Play/ }));
    expect(navigate).toHaveBeenCalledTimes(1);
    expect(new URL(navigate.mock.calls[0]?.[0] as string).searchParams.get('scenario')).toBe('server-down');
  });

  it('names the scenario MSW runs', () => {
    setRunningScenario('flaky-network');
    renderWithProviders(<ScenarioPlayer />);
    expect(screen.getByRole('combobox', { name: 'Scenario' })).toHaveValue('flaky-network');
    expect(screen.getByTestId('scenario-status')).toHaveTextContent('Running on MSW: flaky-network.');
    expect(screen.getByRole('button', { name: 'Play flaky-network' })).toBeInTheDocument();
  });

  it('says scenarios are dev-only in a production build', () => {
    renderWithProviders(<ScenarioPlayer available={false} />);
    expect(screen.getByRole('note')).toHaveTextContent('Scenarios are dev-only');
    expect(screen.queryByRole('combobox', { name: 'Scenario' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Play/ })).not.toBeInTheDocument();
  });

  it('lists the live tasks and feeds every change as it arrives', () => {
    renderWithProviders(<ScenarioPlayer />);
    expect(screen.getByText('Events appear here as they arrive.')).toBeInTheDocument();
    const task = makeTask({ type: 'po_processing', percent: 10, message: 'AI parsing started' });
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [task] }]);
    });
    act(() => {
      applyTaskOps([
        { kind: 'tasks', tasks: [advance(task, { percent: 60, message: 'Saved 5 line items' })] },
      ]);
    });
    act(() => {
      applyTaskOps([{ kind: 'tasks', tasks: [finish(advance(task, { version: 3 }), 'completed')] }]);
    });
    const feed = screen.getByRole('list', { name: 'Live activity' });
    const rows = within(feed).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual(['completed', 'progress', 'started']);
    expect(rows[0]).toHaveTextContent(getTaskType('po_processing').completedMessage);
    expect(rows[1]).toHaveTextContent('Saved 5 line items');
    const live = screen.getByRole('list', { name: 'Live tasks' });
    expect(within(live).getByRole('listitem')).toHaveAttribute('data-status', 'completed');
  });
});
