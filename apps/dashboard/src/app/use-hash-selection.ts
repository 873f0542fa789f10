import { useEffect } from 'react';
import { selectService } from '../store/actions.ts';
import { useAppStore } from '../store/app-store.ts';

function readHash(): number | null {
  const match = /service=(\d+)/.exec(window.location.hash);
  return match ? Number(match[1]) : null;
}

/** Keeps the selected service in the URL (#service=ID) so reloads and links land on it. */
export function useHashSelection(): void {
  const selected = useAppStore((s) => s.selectedServiceId);
  const loaded = useAppStore((s) => s.servicesLoaded);

  useEffect(() => {
    if (!loaded) return;
    const wanted = readHash();
    if (wanted != null) selectService(wanted);
    const onHash = () => {
      const id = readHash();
      if (id != null) selectService(id);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [loaded]);

  useEffect(() => {
    if (selected == null) return;
    const next = `#service=${selected}`;
    if (window.location.hash !== next) window.history.replaceState(window.history.state, '', next);
  }, [selected]);
}
