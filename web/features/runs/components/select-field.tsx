import { useId } from 'react';

export interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  /** `[value, text]` pairs, in order. */
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}

/** A labelled native select: keyboard and screen readers get the platform's own control. */
export function SelectField<T extends string>({ label, value, options, onChange }: SelectFieldProps<T>) {
  const id = useId();
  return (
    <div className="grid gap-1 text-sm font-medium text-slate-700">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        // The options are exactly `options`, so the chosen value is one of them.
        onChange={(e) => onChange(e.target.value as T)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
