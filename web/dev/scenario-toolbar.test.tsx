import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scenarioDescriptions, scenarioNames } from '../../mocks/scenario-catalog';
import { setRunningScenario } from './running-scenario';
import { mountScenarioToolbar, ScenarioToolbar } from './scenario-toolbar';

const scenarioOf = (href: unknown) => new URL(String(href)).searchParams.get('scenario');

describe('ScenarioToolbar', () => {
  afterEach(() => setRunningScenario(null));

  it('offers every scenario, titled with its description, and the real API outside mocks mode', () => {
    render(<ScenarioToolbar mocksMode={false} navigate={vi.fn()} />);
    const select = screen.getByRole('combobox', { name: 'Scenario' });
    const options = within(select).getAllByRole('option');
    expect(options.map((o) => o.getAttribute('value'))).toEqual(['off', ...scenarioNames]);
    expect(options[0]).toHaveTextContent('off (real API)');
    for (const name of scenarioNames) {
      expect(within(select).getByRole('option', { name })).toHaveAttribute(
        'title',
        scenarioDescriptions[name],
      );
    }
    expect(select).toHaveValue('off');
  });

  it('has no real API to go back to in mocks mode', () => {
    setRunningScenario('happy');
    render(<ScenarioToolbar mocksMode navigate={vi.fn()} />);
    const select = screen.getByRole('combobox', { name: 'Scenario' });
    expect(within(select).queryByRole('option', { name: 'off (real API)' })).not.toBeInTheDocument();
    expect(select).toHaveValue('happy');
    expect(select).toHaveAccessibleDescription(expect.stringContaining(scenarioDescriptions.happy));
  });

  it('reloads on ?scenario=NAME, or ?scenario=off for the real API', async () => {
    const user = userEvent.setup();
    const navigate = vi.fn();
    setRunningScenario('happy');
    render(<ScenarioToolbar mocksMode={false} navigate={navigate} />);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Scenario' }), 'burst');
    expect(scenarioOf(navigate.mock.calls[0]?.[0])).toBe('burst');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Scenario' }), 'off');
    expect(scenarioOf(navigate.mock.calls[1]?.[0])).toBe('off');
  });

  it('follows a scenario started without a reload (the gallery player)', () => {
    setRunningScenario('happy');
    render(<ScenarioToolbar mocksMode navigate={vi.fn()} />);
    act(() => setRunningScenario('stall'));
    expect(screen.getByRole('combobox', { name: 'Scenario' })).toHaveValue('stall');
  });

  it('folds away and opens again', async () => {
    const user = userEvent.setup();
    setRunningScenario('slow');
    render(<ScenarioToolbar mocksMode navigate={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Hide the scenario toolbar' }));
    expect(screen.queryByRole('combobox')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Mock scenario: slow/ }));
    expect(screen.getByRole('combobox', { name: 'Scenario' })).toHaveValue('slow');
  });

  it('mounts into its own element at the end of <body>', () => {
    let unmount = () => {};
    act(() => {
      unmount = mountScenarioToolbar({ mocksMode: true, navigate: vi.fn() });
    });
    const host = document.getElementById('taskstream-scenario-toolbar');
    expect(host?.parentElement).toBe(document.body);
    expect(document.body.lastElementChild).toBe(host);
    expect(within(host as HTMLElement).getByRole('region', { name: 'Mock scenario' })).toBeInTheDocument();
    act(() => unmount());
    expect(document.getElementById('taskstream-scenario-toolbar')).toBeNull();
  });
});
