import { Download, FileUp } from 'lucide-react';
import {
  type DragEvent,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  useId,
  useRef,
  useState,
} from 'react';
import { purchaseOrderLimits, stagesOf } from '../../../../protocol';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { stageLabel } from '../../../lib/format';
import { useUploadPurchaseOrder } from '../api/start-purchase-order';
import { sampleCsvHref } from '../sample-csv';

function TextField({ label, ...input }: { label: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input id={id} className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm" {...input} />
    </div>
  );
}

/** The file's own problem, said before anything is sent; null when it may go. */
function fileProblem(file: File): string | null {
  const looksCsv = /\.csv$/i.test(file.name) || file.type === 'text/csv';
  if (!looksCsv) return `${file.name} is not a CSV file. Choose a .csv file with a header row.`;
  if (file.size > purchaseOrderLimits.maxBytes) return `${file.name} is larger than 1 MB.`;
  return null;
}

/** "Upload PO": a file input and drop zone for a CSV of line items, plus supplier and PO number. */
export function UploadPanel() {
  const upload = useUploadPurchaseOrder();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [accepted, setAccepted] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const ids = { file: useId(), failAt: useId(), hint: useId() };

  const choose = (chosen: File | null | undefined) => {
    setAccepted(null);
    upload.reset();
    setFile(chosen ?? null);
    setProblem(chosen ? fileProblem(chosen) : null);
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file || problem) {
      setProblem(problem ?? 'Choose a CSV file first.');
      return;
    }
    const fields = new FormData(event.currentTarget);
    const text = (name: string) => String(fields.get(name) ?? '').trim() || undefined;
    const started = await upload
      .mutateAsync({
        csv: await file.text(),
        fileName: file.name,
        supplier: text('supplier'),
        poNumber: text('poNumber'),
        failAt: text('failAt'),
      })
      .catch(() => null);
    if (!started) return;
    setAccepted(
      `${started.purchaseOrder.poNumber}: ${started.purchaseOrder.itemCount} line items accepted, processing started.`,
    );
    setFile(null);
    form.current?.reset();
    if (fileInput.current) fileInput.current.value = '';
  };

  const error = problem ?? upload.error?.message ?? null;

  return (
    <Card className="p-4">
      <form ref={form} onSubmit={onSubmit} className="space-y-3" aria-labelledby={`${ids.file}-title`}>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id={`${ids.file}-title`} className="text-base font-semibold">
            Upload PO
          </h2>
          <a
            href={sampleCsvHref}
            download="sample-purchase-order.csv"
            className="inline-flex items-center gap-1 text-sm font-medium text-indigo-700 underline-offset-2 hover:underline"
          >
            <Download className="size-4" aria-hidden="true" />
            Download sample CSV
          </a>
        </div>
        <label
          htmlFor={ids.file}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="po-drop-zone"
          className={`flex cursor-pointer flex-col items-center gap-1 rounded-lg border-2 border-dashed p-4 text-center text-sm transition-colors focus-within:ring-2 focus-within:ring-indigo-500 ${
            dragging ? 'border-indigo-500 bg-indigo-50' : 'border-slate-300 bg-slate-50 hover:bg-slate-100'
          }`}
        >
          <FileUp className="size-6 text-slate-500" aria-hidden="true" />
          <span className="font-medium text-slate-800">
            {file ? file.name : 'Drop a CSV file here or choose one'}
          </span>
          <span id={ids.hint} className="text-xs text-slate-600">
            Columns sku, description, quantity, unit_price with a header row; up to 2,000 lines and 1 MB.
          </span>
          <input
            ref={fileInput}
            id={ids.file}
            name="file"
            type="file"
            accept=".csv,text/csv"
            aria-label="Purchase order CSV file"
            aria-describedby={ids.hint}
            className="sr-only"
            onChange={(e) => choose(e.currentTarget.files?.[0])}
          />
        </label>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField name="supplier" label="Supplier" maxLength={100} placeholder="Northwind Supply Co." />
          <TextField
            name="poNumber"
            label={
              <>
                PO number <span className="font-normal text-slate-600">(default: the file name)</span>
              </>
            }
            maxLength={40}
            pattern="[A-Za-z0-9][A-Za-z0-9._/\-]*"
            placeholder="PO-2025-0142"
          />
        </div>
        <details className="text-sm">
          <summary className="cursor-pointer text-slate-700">Demo options</summary>
          <div className="mt-2 space-y-1">
            <label htmlFor={ids.failAt} className="block font-medium">
              Simulate a failure in
            </label>
            <select
              id={ids.failAt}
              name="failAt"
              defaultValue=""
              className="rounded-md border border-slate-300 px-2 py-1.5"
            >
              <option value="">No stage (succeeds)</option>
              {stagesOf('po_processing').map((stage) => (
                <option key={stage} value={stage}>
                  {stageLabel(stage)}
                </option>
              ))}
            </select>
          </div>
        </details>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={upload.isPending}>
            {upload.isPending ? 'Uploading…' : 'Upload PO'}
          </Button>
          <p className="min-w-0 text-sm" role="status">
            {accepted}
          </p>
        </div>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        )}
      </form>
    </Card>
  );
}
