// Non-blocking warnings under a form (features/services/form-warnings.ts makes them): shown, never
// announced on each keystroke, and never stopping a save.
interface FormWarningsProps {
  warnings: readonly { code: string; text: string }[];
  className?: string;
  testId: string;
}

/** A list of warnings with their codes as `data-code`; nothing when there are none. */
export function FormWarnings({ warnings, className, testId }: FormWarningsProps) {
  if (warnings.length === 0) return null;
  return (
    <ul className={`form-warnings${className ? ` ${className}` : ''}`} data-testid={testId} aria-label="Warnings">
      {warnings.map((w) => (
        <li key={`${w.code}:${w.text}`} data-code={w.code}>
          <span aria-hidden="true">⚠ </span>
          {w.text}
        </li>
      ))}
    </ul>
  );
}
