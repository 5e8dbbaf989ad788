import type { ReactNode } from 'react';

export interface PageHeaderProps {
  title: string;
  /** An icon before the title (decorative: give it `aria-hidden`). */
  icon?: ReactNode;
  description?: ReactNode;
  /** Buttons on the right (below the title on narrow screens). */
  actions?: ReactNode;
  /** Shown under the header, e.g. an error `role="alert"`. */
  children?: ReactNode;
  /** The title's heading level: `h1` on a page; lower where a header is shown as a sample (the gallery). */
  as?: 'h1' | 'h2' | 'h3';
}

/** A page's `<h1>`, one line of what the page is for, and its main actions. */
export function PageHeader({
  title,
  icon,
  description,
  actions,
  children,
  as: Heading = 'h1',
}: PageHeaderProps) {
  return (
    <header className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <Heading className="flex items-center gap-2 text-2xl font-semibold">
            {icon}
            {title}
          </Heading>
          {description && <p className="text-sm text-slate-500">{description}</p>}
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
      {children}
    </header>
  );
}
