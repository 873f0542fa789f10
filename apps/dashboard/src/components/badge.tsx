import type { ReactNode } from 'react';

export type BadgeTone = 'up' | 'down' | 'unknown' | 'draining' | 'disabled' | 'plain';

/** A status pill; colour comes from `tone`, text from children. */
export function Badge({ tone, children, title, className }: { tone: BadgeTone; children: ReactNode; title?: string; className?: string }) {
  return (
    <span className={`badge badge-${tone}${className ? ` ${className}` : ''}`} title={title}>
      {children}
    </span>
  );
}
