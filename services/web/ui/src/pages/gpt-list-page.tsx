import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Gpt } from '../api/types.js';
import { Avatar } from '../components/avatar.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';
import { SharedWithMe, Templates } from '../teams/shared-and-templates.js';

export function GptListPage() {
  const [gpts, setGpts] = useState<Gpt[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ items: Gpt[] }>('GET', '/api/gpts?limit=100')
      .then((body) => setGpts(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(), []);

  async function remove(gpt: Gpt) {
    try {
      await api('DELETE', `/api/gpts/${gpt.id}`);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <main class="page">
      <div class="row spread">
        <h1>My GPTs</h1>
        <a class="button primary" href="#/gpts/new">
          Create GPT
        </a>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {gpts === null ? (
        <Spinner />
      ) : gpts.length === 0 ? (
        <p class="muted">No GPTs yet. Create one: give it a name, instructions and a model.</p>
      ) : (
        <ul class="grid" aria-label="GPTs">
          {gpts.map((gpt) => (
            <li class="card gpt-card" key={gpt.id}>
              <a href={`#/gpts/${gpt.id}`} class="gpt-card-main">
                <Avatar src={gpt.avatar} name={gpt.name} />
                <span>
                  <strong>{gpt.name}</strong>
                  <span class="muted clamp">{gpt.description || 'No description'}</span>
                  <span class="tag">{gpt.modelId}</span>
                </span>
              </a>
              <div class="row">
                <a href={`#/chat/${gpt.id}`}>Chat</a>
                <ConfirmButton label="Delete" confirm={`Delete ${gpt.name}?`} onConfirm={() => remove(gpt)} />
              </div>
            </li>
          ))}
        </ul>
      )}
      <SharedWithMe />
      {gpts !== null && gpts.length === 0 && <Templates />}
    </main>
  );
}
