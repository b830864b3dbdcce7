import { useSyncExternalStore } from 'react';

// The system's "reduce motion" setting (WCAG 2.3.3): the app then opens menus, dialogs and
// drawers without animating them.
const query = '(prefers-reduced-motion: reduce)';

function subscribe(onChange: () => void) {
  const m = window.matchMedia(query);
  m.addEventListener('change', onChange);
  return () => m.removeEventListener('change', onChange);
}

export function useReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}
