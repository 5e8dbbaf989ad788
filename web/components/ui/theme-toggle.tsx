import { Moon, Sun } from 'lucide-react';
import { useEffect, useSyncExternalStore } from 'react';
import { Button } from './button';

/** Same key as the inline script in index.html, which applies the choice before the first paint. */
const THEME_KEY = 'taskstream:theme';

function storedTheme(): 'light' | 'dark' | null {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

const darkQuery = () =>
  typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

/** The `dark` class on <html> is the one truth (Tailwind's class strategy); toggles subscribe to it. */
function isDark(): boolean {
  return document.documentElement.classList.contains('dark');
}

function applyTheme(dark: boolean): void {
  document.documentElement.classList.toggle('dark', dark);
  document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}

function toggleTheme(): void {
  const next = !isDark();
  applyTheme(next);
  try {
    localStorage.setItem(THEME_KEY, next ? 'dark' : 'light');
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}

/**
 * Light or dark. Until the person chooses, the page follows `prefers-color-scheme` (and its
 * changes); a choice is remembered in this browser.
 */
export function ThemeToggle() {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);

  useEffect(() => {
    const query = darkQuery();
    if (!query) return;
    const follow = () => {
      if (!storedTheme()) applyTheme(query.matches);
    };
    follow();
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, []);

  return (
    <Button variant="ghost" size="sm" aria-pressed={dark} aria-label="Dark mode" onClick={toggleTheme}>
      {dark ? <Moon className="size-4" aria-hidden="true" /> : <Sun className="size-4" aria-hidden="true" />}
    </Button>
  );
}
