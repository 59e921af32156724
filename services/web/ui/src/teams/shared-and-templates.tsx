import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Gpt, Template } from '../api/types.js';
import { Avatar } from '../components/avatar.js';
import { ErrorBanner } from '../components/error-banner.js';
import { usePages } from '../components/use-pages.js';
import { navigate } from '../router.js';

/** GPTs others shared with the caller: chat with them, and edit those shared as "can edit". */
export function SharedWithMe() {
  const shared = usePages<Gpt>('/api/gpts/shared');
  const gpts = shared.items ?? [];
  if (gpts.length === 0 && !shared.error) return null;
  return (
    <section class="stack">
      <h2>Shared with me</h2>
      <ErrorBanner error={shared.error} />
      <ul class="grid" aria-label="Shared with me">
        {gpts.map((gpt) => (
          <li class="card gpt-card" key={gpt.id}>
            <a href={`#/chat/${gpt.id}`} class="gpt-card-main">
              <Avatar src={gpt.avatar} name={gpt.name} />
              <span>
                <strong>{gpt.name}</strong>
                <span class="muted clamp">{gpt.description || 'No description'}</span>
                <span class="tag">{gpt.access === 'edit' ? 'can edit' : 'can chat'}</span>
              </span>
            </a>
            <div class="row">
              <a href={`#/chat/${gpt.id}`}>Chat with {gpt.name}</a>
              {gpt.access === 'edit' && <a href={`#/gpts/${gpt.id}`}>Edit {gpt.name}</a>}
            </div>
          </li>
        ))}
      </ul>
      {shared.hasMore && (
        <button type="button" class="link" disabled={shared.loading} onClick={shared.more}>
          More shared GPTs
        </button>
      )}
    </section>
  );
}

/** The built-in templates: each becomes an ordinary GPT of the caller's, ready to change. */
export function Templates() {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: Template[] }>('GET', '/api/templates')
      .then((body) => setTemplates(body.items))
      .catch((caught) => setError(errorText(caught)));
  }, []);

  async function use(template: Template) {
    try {
      const created = await api<Gpt>('POST', `/api/templates/${template.key}/copy`);
      navigate(`/gpts/${created.id}`);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <section class="stack">
      <h2>Start from a template</h2>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ul class="grid" aria-label="Templates">
        {templates.map((template) => (
          <li class="card stack" key={template.key}>
            <strong>{template.name}</strong>
            <span class="muted">{template.description}</span>
            <span>
              <span class="tag">{template.category}</span>
              {template.actionCount > 0 && <span class="tag">with an action</span>}
            </span>
            <button type="button" onClick={() => use(template)}>
              Use {template.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
