import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface ChartSeries {
  label: string;
  /** A CSS colour for the line and its legend swatch. */
  color: string;
  /** One value per time; null draws a gap. */
  values: readonly (number | null)[];
}

export interface LiveChartProps {
  title: string;
  /** Epoch ms, ascending, one per value of every series. */
  times: readonly number[];
  series: readonly ChartSeries[];
  /** The chart's text alternative: the current value and its trend, shown under the title. */
  summary: string;
  /** Unit label for the y axis ticks, e.g. "ms". */
  unit?: string;
  height?: number;
}

function toAligned(times: readonly number[], series: readonly ChartSeries[]): uPlot.AlignedData {
  return [times.map((t) => t / 1000), ...series.map((s) => [...s.values])];
}

/**
 * A small streaming line chart on uPlot: one canvas, redrawn in place with `setData` on each new
 * point, so a page of them costs next to nothing per poll. The canvas is hidden from assistive
 * technology; the summary is its text alternative.
 */
export function LiveChart({ title, times, series, summary, unit = '', height = 120 }: LiveChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef<uPlot.AlignedData>(toAligned(times, series));
  dataRef.current = toAligned(times, series);
  // Labels and colours are read once, when the chart is made: a chart's series are fixed for its life.
  const seriesRef = useRef(series);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const width = Math.max(200, container.clientWidth);
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
        axes: [
          { stroke: '#64748b', grid: { stroke: '#e2e8f0' }, ticks: { stroke: '#e2e8f0' } },
          {
            stroke: '#64748b',
            size: 44,
            grid: { stroke: '#e2e8f0' },
            ticks: { stroke: '#e2e8f0' },
            values: (_u, splits) => splits.map((v) => `${v}${unit}`),
          },
        ],
        series: [
          {},
          ...seriesRef.current.map(({ label, color }) => ({
            label,
            stroke: color,
            width: 2,
            spanGaps: false,
            points: { show: false },
          })),
        ],
      },
      dataRef.current,
      container,
    );
    plotRef.current = plot;
    const resize = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(200, container.clientWidth), height });
    });
    resize.observe(container);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [height, unit]);

  useEffect(() => {
    plotRef.current?.setData(dataRef.current);
  });

  const headingId = `chart-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <figure className="min-w-0 space-y-1" aria-labelledby={headingId}>
      <figcaption className="space-y-0.5">
        <span id={headingId} className="block text-sm font-medium text-slate-800">
          {title}
        </span>
        <span className="block text-xs text-slate-600" data-testid={`${headingId}-summary`}>
          {summary}
        </span>
        {series.length > 1 && (
          <span className="flex flex-wrap gap-3 text-xs text-slate-600">
            {series.map((s) => (
              <span key={s.label} className="inline-flex items-center gap-1">
                <span className="inline-block h-0.5 w-3" style={{ backgroundColor: s.color }} />
                {s.label}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      <div ref={containerRef} aria-hidden="true" className="w-full overflow-hidden" />
    </figure>
  );
}
