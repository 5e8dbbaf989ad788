import { type ReactNode, useId } from 'react';

export interface GallerySectionProps {
  /** Anchor of the section (the sidebar links to `#id`). */
  id: string;
  title: string;
  description: ReactNode;
  children: ReactNode;
}

/** One component of the gallery: a heading, what it is for, and its states. */
export function GallerySection({ id, title, description, children }: GallerySectionProps) {
  const headingId = `${id}-heading`;
  return (
    <section id={id} aria-labelledby={headingId} className="scroll-mt-32 space-y-3 md:scroll-mt-20">
      <div>
        <h2 id={headingId} className="text-lg font-semibold text-slate-900">
          {title}
        </h2>
        <p className="text-sm text-slate-500">{description}</p>
      </div>
      {children}
    </section>
  );
}

export interface StateGridProps {
  children: ReactNode;
  /** `compact` for small things (badges, bars), `cards` for toast-sized cards, `wide` for page-wide cards. */
  variant?: 'compact' | 'cards' | 'wide';
}

/** States side by side: one column on phones, more as the screen grows. */
export function StateGrid({ children, variant = 'compact' }: StateGridProps) {
  const columns = {
    compact: 'sm:grid-cols-2 xl:grid-cols-3',
    cards: 'sm:grid-cols-2',
    wide: 'xl:grid-cols-2',
  }[variant];
  // minmax(0, 1fr): a long word in a cell wraps instead of widening the page on a phone.
  return <div className={`grid grid-cols-[minmax(0,1fr)] gap-3 ${columns}`}>{children}</div>;
}

export interface StateCellProps {
  /** The state's name, e.g. "Running, 37 %": the figure's caption and accessible name. */
  label: string;
  /** Machine key of the state (`running-37`), as `data-state`. */
  stateKey: string;
  children: ReactNode;
}

/** One state of one component, captioned. */
export function StateCell({ label, stateKey, children }: StateCellProps) {
  const captionId = useId();
  return (
    <figure
      aria-labelledby={captionId}
      data-state={stateKey}
      className="min-w-0 rounded-xl border border-dashed border-slate-300 bg-white/60 p-3"
    >
      <figcaption id={captionId} className="mb-2 text-xs font-medium tracking-wide text-slate-600 uppercase">
        {label}
      </figcaption>
      {children}
    </figure>
  );
}
