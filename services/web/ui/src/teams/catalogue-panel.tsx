import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { CatalogueItem, Gpt, Workspace } from '../api/types.js';
import { Avatar } from '../components/avatar.js';
import { ErrorBanner } from '../components/error-banner.js';
import { navigate } from '../router.js';
import { ReviewForm } from './review-form.js';

interface CataloguePage {
  items: CatalogueItem[];
  nextCursor?: string;
}

/**
 * The GPTs published to a workspace (each at a fixed version), searchable, rated, and copyable. The
 * catalogue comes a page at a time (each entry carries its avatar), "Load more" fetching the next.
 */
export function CataloguePanel({ workspace }: { workspace: Workspace }) {
  const [items, setItems] = useState<CatalogueItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState('');
  // The search the list shows: the field may have changed since, and "Load more" goes on with this one.
  const [shown, setShown] = useState('');
  const [error, setError] = useState<string | null>(null);

  const fetchPage = (q: string, cursor?: string) => {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (cursor) params.set('cursor', cursor);
    const search = params.toString();
    return api<CataloguePage>(
      'GET',
      `/api/workspaces/${workspace.id}/catalogue${search ? `?${search}` : ''}`,
    );
  };

  const load = (q = query) =>
    fetchPage(q)
      .then((page) => {
        setShown(q);
        setItems(page.items);
        setNextCursor(page.nextCursor);
      })
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(''), [workspace.id]);

  async function loadMore() {
    try {
      const page = await fetchPage(shown, nextCursor);
      setItems((loaded) => [...loaded, ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  /** After a rating: the entries shown so far again, with their new ratings (as many pages as loaded). */
  async function refresh() {
    try {
      const fresh: CatalogueItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await fetchPage(shown, cursor);
        fresh.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && fresh.length < items.length);
      setItems(fresh);
      setNextCursor(cursor);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

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
          Nothing published here{shown ? ' matches' : ' yet: publish a GPT from its editor'}.
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
              <ReviewForm workspaceId={workspace.id} item={item} onSaved={() => void refresh()} />
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </section>
  );
}
