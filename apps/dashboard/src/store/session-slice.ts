// Who is signed in. `unknown` until the first GET /api/session answers.

export type SessionStatus = 'unknown' | 'anonymous' | 'authenticated';

export interface SessionSlice {
  session: {
    status: SessionStatus;
    actor: string | null;
    /** Why the operator is on the login page (wrong token, session expired…). */
    notice: string | null;
  };
}

export const initialSessionSlice: SessionSlice = { session: { status: 'unknown', actor: null, notice: null } };
