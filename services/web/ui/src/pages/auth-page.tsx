import { useState } from 'preact/hooks';
import { api, errorText, session } from '../api/client.js';
import type { User } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';

export function AuthPage({ onSignedIn }: { onSignedIn(user: User): void }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = mode === 'signup' ? { email, password, ...(name && { name }) } : { email, password };
      const result = await api<{ user: User; token: string }>('POST', `/api/auth/${mode}`, body);
      session.token = result.token;
      onSignedIn(result.user);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="auth">
      <h1>Chatty</h1>
      <p class="muted">Custom GPTs on your own models.</p>
      <form onSubmit={submit} class="card stack" aria-label={mode === 'login' ? 'Sign in' : 'Sign up'}>
        <h2>{mode === 'login' ? 'Sign in' : 'Create an account'}</h2>
        <ErrorBanner error={error} />
        {mode === 'signup' && (
          <label>
            Name
            <input
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              autoComplete="name"
              maxLength={100}
            />
          </label>
        )}
        <label>
          Email
          <input
            type="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            autoComplete="email"
          />
        </label>
        <label>
          Password
          <input
            type="password"
            required
            minLength={mode === 'signup' ? 8 : undefined}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Please wait…' : mode === 'login' ? 'Sign in' : 'Sign up'}
        </button>
        <button
          type="button"
          class="link"
          onClick={() => {
            setMode(mode === 'login' ? 'signup' : 'login');
            setError(null);
          }}
        >
          {mode === 'login' ? 'No account yet? Sign up' : 'Have an account? Sign in'}
        </button>
      </form>
    </main>
  );
}
