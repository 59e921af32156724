import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { CatalogueItem, Gpt, Workspace } from '../api/types.js';
import { Avatar } from '../components/avatar.js';
import { ErrorBanner } from '../components/error-banner.js';
import { navigate } from '../router.js';
import { ReviewForm } from './review-form.js';

/** The GPTs published to a workspace (each at a fixed version), searchable, rated, and copyable. */
export function CataloguePanel({ workspace }: { workspace: Workspace }) {
  const [items, setItems] = useState<CatalogueItem[]>([]);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = (q = query) =>
    api<{ items: CatalogueItem[] }>(
      'GET',
      `/api/workspaces/${workspace.id}/catalogue${q ? `?q=${encodeURIComponent(q)}` : ''}`,
    )
      .then((body) => setItems(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(''), [workspace.id]);

  async function copy(item: CatalogueItem) {
    try {
      const copied = await api<Gpt>('POST', `/api/gpts/${item.gptId}/copy`, {});
      navigate(`/gpts/${copied.id}`);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <section class="card stack" aria-label="Catalogue">
      <h3>Catalogue</h3>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          void load();
        }}
      >
        <label class="grow">
          Search the catalogue
          <input
            type="search"
            value={query}
            placeholder="Name, description or category"
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Search</button>
      </form>
      {items.length === 0 ? (
        <p class="muted">
          Nothing published here{query ? ' matches' : ' yet: publish a GPT from its editor'}.
        </p>
      ) : (
        <ul class="bare-list stack" aria-label="Published GPTs">
          {items.map((item) => (
            <li key={item.gptId} class="card stack catalogue-item">
              <div class="row">
                <Avatar src={item.avatar} name={item.name} />
                <span class="grow">
                  <strong>{item.name}</strong> <span class="muted small">v{item.version}</span>
                  {item.category && <span class="tag">{item.category}</span>}
                  <span class="muted clamp">{item.description || 'No description'}</span>
                  <span class="muted small">
                    {item.rating.average === null
                      ? 'Not rated yet'
                      : `★ ${item.rating.average} (${item.rating.count} ${item.rating.count === 1 ? 'rating' : 'ratings'})`}{' '}
                    · {item.conversationCount}{' '}
                    {item.conversationCount === 1 ? 'conversation' : 'conversations'}
                    {item.publishedBy && ` · published by ${item.publishedBy}`}
                  </span>
                </span>
              </div>
              <div class="row">
                <a class="button" href={`#/chat/${item.gptId}`}>
                  Chat with {item.name}
                </a>
                <button type="button" onClick={() => copy(item)}>
                  Copy {item.name} as template
                </button>
              </div>
              <ReviewForm workspaceId={workspace.id} item={item} onSaved={() => load()} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
