import { dismissToast } from '../store/actions.ts';
import { useAppStore } from '../store/app-store.ts';

/** Transient notifications, bottom right; errors stay longer and can be dismissed. */
export function Toasts() {
  const toasts = useAppStore((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : undefined}>
          <span>{toast.text}</span>
          <button type="button" className="btn btn-ghost btn-sm" aria-label="Dismiss notification" onClick={() => dismissToast(toast.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
