import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { AccountInvitationPreview, User } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { NameField, PasswordField } from '../components/form-fields.js';
import { Spinner } from '../components/spinner.js';
import { useSignIn } from './use-sign-in.js';

/**
 * Where an admin's invitation link lands (`#/join/<token>`): the person sees the invited address and
 * sets a password of their own, and is signed in. The token stays in the URL's fragment, which
 * browsers never send, and goes to the server in request bodies only.
 */
export function JoinPage({ token, onSignedIn }: { token: string; onSignedIn(user: User): void }) {
  const [invitation, setInvitation] = useState<AccountInvitationPreview | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, signIn } = useSignIn(onSignedIn);

  useEffect(() => {
    api<AccountInvitationPreview>('POST', '/api/auth/invitations/check', { token })
      .then((found) => {
        setInvitation(found);
        setName(found.name ?? '');
      })
      .catch((caught) => setError(errorText(caught)));
  }, [token]);

  function join(event: Event) {
    event.preventDefault();
    void signIn('/api/auth/invitations/accept', { token, password, ...(name && { name }) });
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
        <NameField value={name} onInput={setName} />
        <PasswordField value={password} onInput={setPassword} isNew />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Please wait…' : 'Create my account'}
        </button>
      </form>
    </main>
  );
}
