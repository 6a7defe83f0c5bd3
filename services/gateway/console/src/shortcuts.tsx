import { useEffect } from 'preact/hooks';

/** One keyboard shortcut as shown on screen and handled while its view is open. */
export interface Shortcut {
  keys: string[];
  label: string;
  /** What the shortcut bar shows for the keys; the first key by default. */
  hint?: string;
  /** Called with the key that was pressed. */
  run: (key: string) => void;
}

const typingIn = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Handles the view's shortcuts. While the reviewer types (a note, the token), only Escape counts,
 * so letters typed into a field never approve or reject anything.
 */
export function useShortcuts(shortcuts: Shortcut[]): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typingIn(e.target) && e.key !== 'Escape') return;
      const hit = shortcuts.find((s) => s.keys.includes(e.key));
      if (!hit) return;
      e.preventDefault();
      hit.run(e.key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcuts]);
}

export function ShortcutBar({ shortcuts }: { shortcuts: Shortcut[] }) {
  return (
    <footer class="shortcuts" aria-label="Keyboard shortcuts">
      {shortcuts.map((s) => (
        <span key={s.label}>
          <kbd>{s.hint ?? (s.keys[0] === 'Escape' ? 'Esc' : s.keys[0])}</kbd> {s.label}
        </span>
      ))}
    </footer>
  );
}
