import { useId, useState } from 'react';
import { type JobId, jobs, type TestSuiteId, testSuites } from '../../../../protocol';
import { Button } from '../../../components/ui/button';
import { type StartRunInput, useStartRun } from '../api/start-run';
import { SelectField } from './select-field';

type Kind = StartRunInput['kind'];

const suiteIds = Object.keys(testSuites) as TestSuiteId[];
const jobIds = Object.keys(jobs) as JobId[];

const texts = {
  test: { open: 'Run tests', pick: 'Test suite', start: 'Start test run', what: 'the test run' },
  job: { open: 'Run job', pick: 'Job', start: 'Start job run', what: 'the job run' },
} as const;

export interface StartRunControls {
  /** "Run tests" and "Run job", for the page header's actions. */
  buttons: React.ReactNode;
  /** The open form, if any, shown under the header. */
  form: React.ReactNode;
}

/**
 * "Run tests" and "Run job": each opens a small form (which suite or job; "make it fail" for
 * demos). Starting closes the form and puts focus back on the button that opened it.
 */
export function useStartRunControls(): StartRunControls {
  const [open, setOpen] = useState<Kind | null>(null);
  const formId = useId();
  const buttonId = (kind: Kind) => `${formId}-${kind}`;
  const close = (kind: Kind) => {
    setOpen(null);
    document.getElementById(buttonId(kind))?.focus();
  };
  const buttons = (['test', 'job'] as const).map((kind) => (
    <Button
      key={kind}
      id={buttonId(kind)}
      variant={kind === 'test' ? 'primary' : 'secondary'}
      aria-expanded={open === kind}
      aria-controls={open === kind ? formId : undefined}
      onClick={() => setOpen(open === kind ? null : kind)}
    >
      {texts[kind].open}
    </Button>
  ));
  const form = open && <StartRunForm key={open} id={formId} kind={open} onDone={() => close(open)} />;
  return { buttons, form };
}

function StartRunForm({ id, kind, onDone }: { id: string; kind: Kind; onDone: () => void }) {
  const start = useStartRun();
  const [choice, setChoice] = useState<string>(kind === 'test' ? 'smoke' : 'nightly');
  const [makeItFail, setMakeItFail] = useState(false);
  const failId = useId();
  const t = texts[kind];
  const options =
    kind === 'test'
      ? suiteIds.map((s) => [s, testSuites[s]] as const)
      : jobIds.map((j) => [j, jobs[j]] as const);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const input: StartRunInput =
      kind === 'test'
        ? { kind, suite: choice as TestSuiteId, makeItFail }
        : { kind, job: choice as JobId, makeItFail };
    start.mutate(input, { onSuccess: onDone });
  };

  return (
    <form
      id={id}
      aria-label={t.start}
      onSubmit={submit}
      className="max-w-xl space-y-3 rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
    >
      <div className="flex flex-wrap items-end gap-3">
        <SelectField
          label={t.pick}
          value={choice}
          options={options.map(
            ([value, runnable]) => [value, `${runnable.label} (${runnable.tests.length} tests)`] as const,
          )}
          onChange={setChoice}
        />
        <label htmlFor={failId} className="flex items-center gap-2 py-1.5 text-sm text-slate-700">
          <input
            id={failId}
            type="checkbox"
            checked={makeItFail}
            onChange={(e) => setMakeItFail(e.target.checked)}
            className="size-4"
          />
          Make it fail (demo)
        </label>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={start.isPending}>
          {start.isPending ? 'Starting…' : t.start}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
      {start.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          Could not start {t.what}: {start.error.message}
        </p>
      )}
    </form>
  );
}
