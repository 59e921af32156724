import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { ApiKey, NewApiKey } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';

export function KeysPage() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKey['scope']>('chat');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ items: ApiKey[] }>('GET', '/api/keys')
      .then((body) => setKeys(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(), []);

  async function create(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const expiresInDays = days ? Number(days) : undefined;
      setCreated(await api<NewApiKey>('POST', '/api/keys', { name, scope, expiresInDays }));
      setName('');
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function revoke(id: string) {
    try {
      await api('DELETE', `/api/keys/${id}`);
      if (created?.id === id) setCreated(null);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <main class="page">
      <h1>API keys</h1>
      <p class="muted">
        Programs use a key as <code>Authorization: Bearer &lt;key&gt;</code> on <code>/api</code> and the
        OpenAI-compatible <code>/v1</code>. A <em>chat only</em> key can chat and nothing else; a{' '}
        <em>read</em> key reads and changes nothing; a <em>full</em> key can do what you can, keys included.
      </p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <form class="row" onSubmit={create}>
        <label class="grow">
          New key name
          <input required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Scope
          <select
            value={scope}
            onChange={(e) => setScope(e.currentTarget.value as ApiKey['scope'])}
            data-testid="key-scope"
          >
            <option value="chat">chat only</option>
            <option value="read">read</option>
            <option value="full">full</option>
          </select>
        </label>
        <label>
          Expires after
          <select value={days} onChange={(e) => setDays(e.currentTarget.value)}>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="365">a year</option>
            <option value="">never</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
      {created && (
        <div class="card notice" role="status">
          <p>
            Copy <strong>{created.name}</strong> now; it will not be shown again.
          </p>
          <div class="row">
            <code class="secret" data-testid="new-key">
              {created.key}
            </code>
            <button type="button" onClick={() => navigator.clipboard?.writeText(created.key)}>
              Copy
            </button>
          </div>
        </div>
      )}
      {keys === null ? (
        <Spinner />
      ) : keys.length === 0 ? (
        <p class="muted">No keys yet.</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{key.scope}</td>
                <td>{new Date(key.createdAt).toLocaleString()}</td>
                <td>{key.expiresAt ? new Date(key.expiresAt).toLocaleString() : 'never'}</td>
                <td>{key.lastUsedAt ? new Date(key.lastUsedAt).toLocaleString() : 'never'}</td>
                <td>
                  <ConfirmButton label="Revoke" confirm="Revoke this key?" onConfirm={() => revoke(key.id)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
