import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { AccountInvitation } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBanner } from '../components/error-banner.js';

/**
 * An admin invites a person by email: the link (shown once — only its hash is kept) is passed on by
 * the admin, since there is no mail server; the person sets their own password with it. Pending
 * invitations are listed and can be revoked.
 */
export function UserInvitations() {
  const [invitations, setInvitations] = useState<AccountInvitation[]>([]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ items: AccountInvitation[] }>('GET', '/api/admin/invitations')
      .then((body) => setInvitations(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(), []);

  async function invite(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const created = await api<AccountInvitation & { url: string }>('POST', '/api/admin/invitations', {
        email,
        role,
      });
      setLink({ email: created.email, url: `${location.origin}${created.url}` });
      setEmail('');
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function revoke(invitation: AccountInvitation) {
    try {
      await api('DELETE', `/api/admin/invitations/${invitation.id}`);
      if (link?.email === invitation.email) setLink(null);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <section class="card stack" aria-label="Invitations">
      <h2>Invite someone</h2>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <form class="row" onSubmit={invite} aria-label="Invite by email">
        <label class="grow">
          Email to invite
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          As
          <select
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as 'user' | 'admin')}
            aria-label="Invited role"
          >
            <option value="user">user</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Create invitation link
        </button>
      </form>
      {link && (
        <div class="notice" role="status">
          <label>
            Invitation link for {link.email} (send it to them; it is shown only now, works once, for 3 days)
            <input readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
          </label>
        </div>
      )}
      {invitations.length > 0 && (
        <ul class="bare-list" aria-label="Pending invitations">
          {invitations.map((invitation) => (
            <li key={invitation.id} class="row spread">
              <span>
                {invitation.email} <span class="tag">{invitation.role}</span>{' '}
                <span class="muted small">
                  {invitation.expired
                    ? 'expired'
                    : `until ${new Date(invitation.expiresAt).toLocaleString()}`}
                </span>
              </span>
              <ConfirmButton
                label={`Revoke ${invitation.email}`}
                confirm="Its link stops working now."
                onConfirm={() => revoke(invitation)}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
