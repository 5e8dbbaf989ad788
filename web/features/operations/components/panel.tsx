import type { ReactNode } from 'react';

export interface PanelProps {
  /** Makes the heading's id (`<id>-heading`), which names the region. */
  id: string;
  title: string;
  /** Decorative icon before the title (give it `aria-hidden`). */
  icon: ReactNode;
  /** Shown beside the title, wrapping under it on narrow screens. */
  aside?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A card that is also a named region, so screen-reader users can jump between the page's parts. */
export function Panel({ id, title, icon, aside, className = '', children }: PanelProps) {
  const headingId = `${id}-heading`;
  return (
    <section
      aria-labelledby={headingId}
      data-testid={id}
      className={`min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm ${className}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id={headingId} className="flex items-center gap-1.5 text-base font-semibold">
          {icon}
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  );
}
