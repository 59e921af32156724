import { useState } from 'preact/hooks';
import { api, errorText, session } from '../api/client.js';
import type { User } from '../api/types.js';

/**
 * Posting a form that ends signed in (sign in, sign up, join by invitation): the token is kept and
 * `onSignedIn` hears the user; while it runs `busy` is set, and a refusal lands in `error`.
 */
export function useSignIn(onSignedIn: (user: User) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signIn(path: string, body: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    try {
      const result = await api<{ user: User; token: string }>('POST', path, body);
      session.token = result.token;
      onSignedIn(result.user);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, setError, signIn };
}
