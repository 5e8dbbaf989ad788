import type { TerminalStatus } from '../../../protocol';

/** What the favicon says while the page is hidden: a progress ring, or how the work ended. */
export type FaviconBadge = { kind: 'progress'; percent: number } | { kind: TerminalStatus };

const size = 64;
const badgeColors: Record<TerminalStatus, string> = {
  completed: '#059669',
  failed: '#dc2626',
  cancelled: '#b45309',
};

/** Draws `badge` on a canvas; null where the browser cannot (no 2D canvas). */
function drawFavicon(badge: FaviconBadge): string | null {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const mid = size / 2;
  ctx.lineCap = 'round';
  if (badge.kind === 'progress') {
    ctx.lineWidth = 10;
    ctx.strokeStyle = '#c7d2fe';
    ctx.beginPath();
    ctx.arc(mid, mid, mid - 6, 0, Math.PI * 2);
    ctx.stroke();
    ctx.strokeStyle = '#4f46e5';
    ctx.beginPath();
    // From twelve o'clock, clockwise, as far as the work has got (a sliver at 0 so it reads as a ring).
    const sweep = Math.max(0.02, badge.percent / 100) * Math.PI * 2;
    ctx.arc(mid, mid, mid - 6, -Math.PI / 2, -Math.PI / 2 + sweep);
    ctx.stroke();
    return canvas.toDataURL('image/png');
  }
  ctx.fillStyle = badgeColors[badge.kind];
  ctx.beginPath();
  ctx.arc(mid, mid, mid, 0, Math.PI * 2);
  ctx.fill();
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 8;
  ctx.beginPath();
  if (badge.kind === 'completed') {
    ctx.moveTo(17, 33);
    ctx.lineTo(28, 44);
    ctx.lineTo(47, 22);
  } else if (badge.kind === 'failed') {
    ctx.moveTo(20, 20);
    ctx.lineTo(44, 44);
    ctx.moveTo(44, 20);
    ctx.lineTo(20, 44);
  } else {
    ctx.moveTo(18, 32);
    ctx.lineTo(46, 32);
  }
  ctx.stroke();
  return canvas.toDataURL('image/png');
}

let original: { link: HTMLLinkElement; href: string } | null = null;
let shownKey: string | null = null;

/** Shows `badge` as the tab's icon; the page's own icon comes back with `restoreFavicon`. */
export function showFaviconBadge(badge: FaviconBadge): void {
  const key = badge.kind === 'progress' ? `progress:${badge.percent}` : badge.kind;
  if (key === shownKey) return;
  const url = drawFavicon(badge);
  if (url === null) return;
  if (!original) {
    let link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    if (!link) {
      link = document.createElement('link');
      link.rel = 'icon';
      document.head.append(link);
    }
    original = { link, href: link.getAttribute('href') ?? '' };
  }
  original.link.href = url;
  shownKey = key;
}

export function restoreFavicon(): void {
  if (!original) return;
  original.link.setAttribute('href', original.href);
  original = null;
  shownKey = null;
}
