import { useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { AdminUser } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { PasswordField } from '../components/form-fields.js';
import { ListTable } from '../components/list-table.js';
import { Notice } from '../components/notice.js';
import { Spinner } from '../components/spinner.js';
import { usePages } from '../components/use-pages.js';
import { UserInvitations } from './user-invitations.js';

/**
 * An admin's list of accounts, newest first and found by part of the email or name: invite someone or
 * create an account, make admin, disable, reset a password, sign out everywhere.
 */
export function UsersPage({ selfId }: { selfId: string }) {
  const [search, setSearch] = useState('');
  const users = usePages<AdminUser>(
    `/api/admin/users${search.trim() ? `?q=${encodeURIComponent(search.trim())}` : ''}`,
  );
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(work: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await work();
      setNotice(done);
      await users.reload();
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
      <ErrorBanner error={error ?? users.error} onDismiss={() => setError(null)} />
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
      <label>
        Find users
        <input
          type="search"
          placeholder="Part of an email or name"
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
      </label>
      <ListTable label="Users" columns={['Email', 'Role', 'Status', '']} rows={users.items}>
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
      {users.loading && users.items !== null && <Spinner />}
      {!users.loading && users.hasMore && (
        <button type="button" class="link" onClick={users.more}>
          More users
        </button>
      )}
    </main>
  );
}
