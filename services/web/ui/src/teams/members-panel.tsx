import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { CreatedInvitation, Invitation, Member, Workspace } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';
import { usePages } from '../components/use-pages.js';

/**
 * Members with their roles, a page at a time in the order they joined; owners and admins invite by
 * email (a link to pass on), revoke invitations and remove people.
 */
export function MembersPanel({ workspace, onChange }: { workspace: Workspace; onChange(): void }) {
  const members = usePages<Member>(`/api/workspaces/${workspace.id}/members`);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [email, setEmail] = useState('');
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const manages = workspace.role !== 'member' && !workspace.personal;

  const loadInvitations = async () => {
    try {
      if (manages) {
        const pending = await api<{ items: Invitation[] }>(
          'GET',
          `/api/workspaces/${workspace.id}/invitations`,
        );
        setInvitations(pending.items);
      }
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  const load = () => Promise.all([members.reload(), loadInvitations()]);
  useEffect(() => {
    setLink(null);
    void loadInvitations();
  }, [workspace.id]);

  async function invite(event: Event) {
    event.preventDefault();
    try {
      const created = await api<CreatedInvitation>('POST', `/api/workspaces/${workspace.id}/invitations`, {
        email,
      });
      setLink(`${location.origin}${created.url}`);
      setEmail('');
      await loadInvitations();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function setRole(member: Member, role: 'admin' | 'member') {
    try {
      await api('PUT', `/api/workspaces/${workspace.id}/members/${member.userId}`, { role });
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function revoke(invitation: Invitation) {
    try {
      await api('DELETE', `/api/workspaces/${workspace.id}/invitations/${invitation.id}`);
      await loadInvitations();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function remove(member: Member) {
    try {
      await api('DELETE', `/api/workspaces/${workspace.id}/members/${member.userId}`);
      await load();
      onChange();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <section class="card stack" aria-label="Members">
      <h3>Members</h3>
      <ErrorBanner error={error ?? members.error} onDismiss={() => setError(null)} />
      <ul class="bare-list">
        {(members.items ?? []).map((member) => (
          <li key={member.userId} class="row spread">
            <span>
              {member.name ?? member.email} <span class="muted small">{member.email}</span>{' '}
              <span class="tag">{member.role}</span>
            </span>
            {workspace.role === 'owner' && member.role !== 'owner' && (
              <button
                type="button"
                class="subtle"
                onClick={() => setRole(member, member.role === 'admin' ? 'member' : 'admin')}
              >
                {member.role === 'admin' ? 'Make member' : 'Make admin'}
              </button>
            )}
            {manages && member.role !== 'owner' && (
              <ConfirmButton
                label={`Remove ${member.name ?? member.email}`}
                confirm={`Remove ${member.email}? Their access through ${workspace.name} ends now.`}
                onConfirm={() => remove(member)}
              />
            )}
          </li>
        ))}
      </ul>
      {members.loading && <Spinner />}
      {!members.loading && members.hasMore && (
        <button type="button" class="link" onClick={members.more}>
          More members
        </button>
      )}
      {manages && (
        <>
          <form class="row" onSubmit={invite}>
            <label class="grow">
              Invite by email
              <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            </label>
            <button type="submit">Create invitation link</button>
          </form>
          {link && (
            <div class="notice" role="status">
              <label>
                Invitation link (send it to them; it works once, for that email, for 3 days)
                <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
              </label>
            </div>
          )}
          {invitations.length > 0 && (
            <ul class="bare-list muted small" aria-label="Pending invitations">
              {invitations.map((invitation) => (
                <li key={invitation.id} class="row spread">
                  <span>
                    {invitation.email} —{' '}
                    {invitation.expired
                      ? 'expired'
                      : `until ${new Date(invitation.expiresAt).toLocaleString()}`}
                  </span>
                  <ConfirmButton
                    label={`Revoke ${invitation.email}`}
                    confirm={`Revoke the invitation of ${invitation.email}? Its link stops working.`}
                    onConfirm={() => revoke(invitation)}
                  />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
