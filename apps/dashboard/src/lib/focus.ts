// Focus after a save: the element the operator used (an Apply button, an input) may disappear
// or be disabled while the change is in flight, and the browser then drops focus to <body>.
import { useCallback, useEffect, useRef, useState } from 'react';

/** Focuses `target` only if focus was lost (on <body> or nowhere); never steals it from where the operator moved on to. */
export function focusIfLost(target: HTMLElement | null | undefined): void {
  const active = document.activeElement;
  if (target && (active === null || active === document.body)) target.focus();
}

type FocusRequest = { target: () => HTMLElement | null; onlyIfLost: boolean };

/**
 * Returns `focusAfterRender(target, onlyIfLost)`: moves focus once the state changes made with
 * it have rendered (the target may only exist after that render). An animation frame is not
 * enough: React may commit after it.
 */
export function useFocusAfterRender(): (target: () => HTMLElement | null, onlyIfLost?: boolean) => void {
  const request = useRef<FocusRequest | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const pending = request.current;
    request.current = null;
    if (!pending) return;
    const target = pending.target();
    if (pending.onlyIfLost) focusIfLost(target);
    else target?.focus();
  }, [tick]);
  return useCallback((target, onlyIfLost = false) => {
    request.current = { target, onlyIfLost };
    setTick((t) => t + 1);
  }, []);
}
