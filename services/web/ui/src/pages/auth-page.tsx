import { useState } from 'preact/hooks';
import type { User } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { NameField, PasswordField } from '../components/form-fields.js';
import { useSignIn } from './use-sign-in.js';

export function AuthPage({ onSignedIn }: { onSignedIn(user: User): void }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const { busy, error, setError, signIn } = useSignIn(onSignedIn);

  function submit(event: Event) {
    event.preventDefault();
    const body = mode === 'signup' ? { email, password, ...(name && { name }) } : { email, password };
    void signIn(`/api/auth/${mode}`, body);
  }

  return (
    <main class="auth">
      <h1>Chatty</h1>
      <p class="muted">Custom GPTs on your own models.</p>
      <form onSubmit={submit} class="card stack" aria-label={mode === 'login' ? 'Sign in' : 'Sign up'}>
        <h2>{mode === 'login' ? 'Sign in' : 'Create an account'}</h2>
        <ErrorBanner error={error} />
        {mode === 'signup' && <NameField value={name} onInput={setName} />}
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
        <PasswordField value={password} onInput={setPassword} isNew={mode === 'signup'} />
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
