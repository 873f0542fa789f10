import { expect, it } from 'vitest';
import { closeAction } from './close-action.ts';

it.each([
  [4401, true, 'sign-in'],
  [4401, false, 'sign-in'],
  [1008, true, 'probe'],
  [1006, false, 'probe'],
  [1001, true, 'reconnect'],
  [1013, true, 'reconnect'],
  [1006, true, 'reconnect'],
  [4000, true, 'reconnect'],
] as const)('close %i (opened: %s) → %s', (code, opened, action) => {
  expect(closeAction(code, opened)).toBe(action);
});
