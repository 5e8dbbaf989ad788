export interface ProgressBarProps {
  /** 0..100. */
  percent: number;
  /** Accessible name, e.g. the task's title. */
  label: string;
  /** Tailwind background class of the fill. */
  barClassName?: string;
  /** Human text for the value, e.g. "45%, Detecting communities...". */
  valueText?: string;
  size?: 'sm' | 'md';
}

/**
 * A determinate progress bar. The fill moves by `transform: scaleX` (compositor only, no layout)
 * with a CSS transition, so the bar costs no animation library; under `prefers-reduced-motion` the
 * change is instant.
 */
export function ProgressBar({
  percent,
  label,
  barClassName = 'bg-indigo-500',
  valueText,
  size = 'md',
}: ProgressBarProps) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={valueText ?? `${value}%`}
      className={`w-full overflow-hidden rounded-full bg-slate-200 ${size === 'sm' ? 'h-1.5' : 'h-2.5'}`}
    >
      <div
        className={`h-full w-full origin-left rounded-full transition-transform duration-[350ms] ease-out motion-reduce:transition-none ${barClassName}`}
        style={{ transform: `scaleX(${value / 100})` }}
        data-percent={value}
      />
    </div>
  );
}
