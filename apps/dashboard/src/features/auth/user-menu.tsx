import { useState } from 'react';
import { useAppStore } from '../../store/app-store.ts';
import { signOut } from './session.ts';

/** Signed-in operator and the Log out button. */
export function UserMenu() {
  const actor = useAppStore((s) => s.session.actor);
  const [busy, setBusy] = useState(false);
  return (
    <div className="user-menu">
      <span className="user-name" title="Signed in as">
        <span className="avatar" aria-hidden="true">
          {(actor ?? '?').slice(0, 1).toUpperCase()}
        </span>
        <span className="user-actor">{actor}</span>
      </span>
      <button
        type="button"
        className="btn btn-sm"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void signOut().finally(() => setBusy(false));
        }}
      >
        Log out
      </button>
    </div>
  );
}
