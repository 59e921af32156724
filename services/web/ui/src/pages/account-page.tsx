import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { SignedInSession } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { PasswordField } from '../components/form-fields.js';
import { ListTable } from '../components/list-table.js';
import { Notice } from '../components/notice.js';

/** The caller's password, and where the account is signed in (each of which can be ended). */
export function AccountPage() {
  const [sessions, setSessions] = useState<SignedInSession[] | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ items: SignedInSession[] }>('GET', '/api/auth/sessions')
      .then((body) => setSessions(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(), []);

  async function changePassword(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const { endedSessions } = await api<{ endedSessions: number }>('POST', '/api/auth/password', {
        currentPassword: current,
        newPassword: next,
      });
      setCurrent('');
      setNext('');
      setNotice(`Password changed; ${endedSessions} other session(s) signed out.`);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function end(id: string) {
    try {
      await api('DELETE', `/api/auth/sessions/${id}`);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <main class="page">
      <h1>Account</h1>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice>{notice}</Notice>
      <form class="stack card" onSubmit={changePassword} aria-label="Change password">
        <h2>Change password</h2>
        <PasswordField label="Current password" value={current} onInput={setCurrent} isNew={false} />
        <PasswordField label="New password" value={next} onInput={setNext} isNew />
        <p class="muted small">Every other place you are signed in is signed out.</p>
        <button type="submit" class="primary">
          Change password
        </button>
      </form>
      <h2>Signed in</h2>
      <ListTable label="Sessions" columns={['Since', 'Client', 'Expires', '']} rows={sessions}>
        {(session) => (
          <tr key={session.id}>
            <td>{new Date(session.createdAt).toLocaleString()}</td>
            <td>{session.current ? 'this browser' : (session.userAgent ?? 'unknown')}</td>
            <td>{new Date(session.expiresAt).toLocaleString()}</td>
            <td>
              {!session.current && (
                <button type="button" class="subtle" onClick={() => end(session.id)}>
                  Sign out
                </button>
              )}
            </td>
          </tr>
        )}
      </ListTable>
    </main>
  );
}
