import type { ReactNode } from 'react';

export type BadgeTone = 'up' | 'down' | 'unknown' | 'draining' | 'disabled' | 'plain';

/** A status pill; colour comes from `tone`, text from children. */
export function Badge({ tone, children, title }: { tone: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
