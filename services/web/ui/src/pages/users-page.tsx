import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { AdminUser } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { PasswordField } from '../components/form-fields.js';
import { ListTable } from '../components/list-table.js';
import { Notice } from '../components/notice.js';
import { UserInvitations } from './user-invitations.js';

/**
 * An admin's list of accounts: invite someone or create an account, make admin, disable, reset a
 * password, sign out everywhere.
 */
export function UsersPage({ selfId }: { selfId: string }) {
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ items: AdminUser[] }>('GET', '/api/admin/users')
      .then((body) => setUsers(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(), []);

  async function run(work: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await work();
      setNotice(done);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  function create(event: Event) {
    event.preventDefault();
    void run(async () => {
      await api('POST', '/api/admin/users', { email, password });
      setEmail('');
      setPassword('');
    }, `Created ${email}; give them the first password to sign in and change.`);
  }

  function resetPassword(user: AdminUser) {
    const next = window.prompt(`New password for ${user.email} (at least 8 characters)`);
    if (next)
      void run(
        () => api('POST', `/api/admin/users/${user.id}/password`, { password: next }),
        'Password set.',
      );
  }

  return (
    <main class="page">
      <h1>Users</h1>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <Notice>{notice}</Notice>
      <UserInvitations />
      <form class="row" onSubmit={create} aria-label="New user">
        <label class="grow">
          Email
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <PasswordField label="First password" value={password} onInput={setPassword} isNew />
        <button type="submit" class="primary">
          Create user
        </button>
      </form>
      <ListTable label="Users" columns={['Email', 'Role', 'Status', '']} rows={users}>
        {(user) => (
          <tr key={user.id}>
            <td>{user.email}</td>
            <td>{user.role}</td>
            <td>{user.disabledAt ? 'disabled' : 'active'}</td>
            <td class="row">
              {user.id !== selfId && (
                <>
                  <button
                    type="button"
                    class="subtle"
                    onClick={() =>
                      run(
                        () =>
                          api('PATCH', `/api/admin/users/${user.id}`, {
                            role: user.role === 'admin' ? 'user' : 'admin',
                          }),
                        'Role changed.',
                      )
                    }
                  >
                    {user.role === 'admin' ? 'Make user' : 'Make admin'}
                  </button>
                  <button
                    type="button"
                    class="subtle"
                    onClick={() =>
                      run(
                        () => api('PATCH', `/api/admin/users/${user.id}`, { disabled: !user.disabledAt }),
                        user.disabledAt ? 'Enabled.' : 'Disabled: signed out everywhere, keys stopped.',
                      )
                    }
                  >
                    {user.disabledAt ? 'Enable' : 'Disable'}
                  </button>
                </>
              )}
              <button type="button" class="subtle" onClick={() => resetPassword(user)}>
                Reset password
              </button>
              <button
                type="button"
                class="subtle"
                onClick={() =>
                  run(() => api('DELETE', `/api/admin/users/${user.id}/sessions`), 'Signed out everywhere.')
                }
              >
                Sign out everywhere
              </button>
            </td>
          </tr>
        )}
      </ListTable>
    </main>
  );
}
