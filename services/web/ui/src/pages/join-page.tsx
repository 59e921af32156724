import { useEffect, useState } from 'preact/hooks';
import { api, errorText, session } from '../api/client.js';
import type { AccountInvitationPreview, User } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';

/**
 * Where an admin's invitation link lands (`#/join/<token>`): the person sees the invited address and
 * sets a password of their own, and is signed in. The token stays in the URL's fragment, which
 * browsers never send, and goes to the server in request bodies only.
 */
export function JoinPage({ token, onSignedIn }: { token: string; onSignedIn(user: User): void }) {
  const [invitation, setInvitation] = useState<AccountInvitationPreview | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<AccountInvitationPreview>('POST', '/api/auth/invitations/check', { token })
      .then((found) => {
        setInvitation(found);
        setName(found.name ?? '');
      })
      .catch((caught) => setError(errorText(caught)));
  }, [token]);

  async function join(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api<{ user: User; token: string }>('POST', '/api/auth/invitations/accept', {
        token,
        password,
        ...(name && { name }),
      });
      session.token = result.token;
      onSignedIn(result.user);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  if (!invitation) {
    return (
      <main class="auth">
        <h1>Chatty</h1>
        {error ? (
          <div class="card stack">
            <ErrorBanner error={error} />
            <a href="#/">Sign in</a>
          </div>
        ) : (
          <Spinner />
        )}
      </main>
    );
  }
  return (
    <main class="auth">
      <h1>Chatty</h1>
      <form onSubmit={join} class="card stack" aria-label="Join">
        <h2>You are invited</h2>
        <p>
          Make the account <strong>{invitation.email}</strong>
          {invitation.role === 'admin' ? ' (an admin)' : ''} with a password of your own.
        </p>
        <ErrorBanner error={error} />
        <label>
          Name
          <input
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            autoComplete="name"
            maxLength={100}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            required
            minLength={8}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Please wait…' : 'Create my account'}
        </button>
      </form>
    </main>
  );
}
