/** A person's display name, as signing up and joining by invitation ask it. */
export function NameField({ value, onInput }: { value: string; onInput(value: string): void }) {
  return (
    <label>
      Name
      <input
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        autoComplete="name"
        maxLength={100}
      />
    </label>
  );
}

/**
 * A password input. A new one is held to the server's minimum of 8 characters and offered to the
 * browser's password manager as new; an existing one is only asked for.
 */
export function PasswordField({
  label = 'Password',
  value,
  onInput,
  isNew,
}: {
  label?: string;
  value: string;
  onInput(value: string): void;
  isNew: boolean;
}) {
  return (
    <label>
      {label}
      <input
        type="password"
        required
        minLength={isNew ? 8 : undefined}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        autoComplete={isNew ? 'new-password' : 'current-password'}
      />
    </label>
  );
}
