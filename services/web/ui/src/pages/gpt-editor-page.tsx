import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorText } from '../api/client.js';
import type { Gpt, Model } from '../api/types.js';
import { ChatView } from '../chat/chat-view.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Spinner } from '../components/spinner.js';
import { ActionsPanel } from '../editor/actions-panel.js';
import { AvatarField } from '../editor/avatar-field.js';
import { ConfigureForm } from '../editor/configure-form.js';
import { bodyOf, type Draft, draftOf, EMPTY_DRAFT, isDirty } from '../editor/draft.js';
import { KnowledgePanel } from '../editor/knowledge-panel.js';
import { VersionsList } from '../editor/versions-list.js';
import { navigate } from '../router.js';
import { ConflictNotice } from '../teams/conflict-notice.js';
import { PublishPanel } from '../teams/publish-panel.js';
import { SharePanel } from '../teams/share-panel.js';

/** The GPT Creator: Configure on the left, a live Preview of the saved GPT on the right. */
export function GptEditorPage({ gptId }: { gptId: string | null }) {
  const [gpt, setGpt] = useState<Gpt | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [models, setModels] = useState<Model[] | null>(null);
  const [loading, setLoading] = useState(Boolean(gptId));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [previewKey, setPreviewKey] = useState(0);
  /** The version someone else saved meanwhile, after our save was refused (409). */
  const [conflict, setConflict] = useState<Gpt | null>(null);
  const [showDiff, setShowDiff] = useState(false);

  useEffect(() => {
    api<{ items: Model[] }>('GET', '/api/models')
      .then((body) => setModels(body.items))
      .catch((caught) => setError(errorText(caught)));
  }, []);

  useEffect(() => {
    if (!gptId) {
      setGpt(null);
      setDraft(EMPTY_DRAFT);
      return setLoading(false);
    }
    setLoading(true);
    api<Gpt>('GET', `/api/gpts/${gptId}`)
      .then((loaded) => {
        setGpt(loaded);
        setDraft(draftOf(loaded));
      })
      .catch((caught) => setError(errorText(caught)))
      .finally(() => setLoading(false));
  }, [gptId]);

  const dirty = isDirty(draft, gpt ? draftOf(gpt) : EMPTY_DRAFT);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [dirty]);

  async function save(event: Event) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      if (!gpt) {
        const created = await api<Gpt>('POST', '/api/gpts', bodyOf(draft));
        setGpt(created);
        navigate(`/gpts/${created.id}`);
      } else {
        // Based on the version loaded: a save by someone else meanwhile makes this one 409.
        const updated = await api<Gpt>('PUT', `/api/gpts/${gpt.id}`, bodyOf(draft), {
          'if-match': `"${gpt.version}"`,
        });
        setGpt(updated);
        setDraft(draftOf(updated));
        setPreviewKey((key) => key + 1);
      }
    } catch (caught) {
      if (gpt && caught instanceof ApiError && caught.code === 'VERSION_CONFLICT') {
        setShowDiff(false);
        const theirs = await api<Gpt>('GET', `/api/gpts/${gpt.id}`).catch(() => null);
        setConflict(theirs);
        if (!theirs)
          setError('Someone else saved this GPT meanwhile. Reload it, then apply your change again.');
      } else setError(errorText(caught));
    } finally {
      setSaving(false);
    }
  }

  function reloadTheirs() {
    if (!conflict) return;
    setGpt(conflict);
    setDraft(draftOf(conflict));
    setConflict(null);
    setError(null);
    setPreviewKey((key) => key + 1);
  }

  if (loading)
    return (
      <main class="page">
        <Spinner />
      </main>
    );
  const isOwner = Boolean(gpt && !gpt.access);
  if (gpt && !isOwner && gpt.access !== 'edit') {
    return (
      <main class="page stack">
        <h1>{gpt.name}</h1>
        <p class="muted">This GPT is shared with you to chat with; only its owner and editors change it.</p>
        <a class="button primary" href={`#/chat/${gpt.id}`}>
          Chat with {gpt.name}
        </a>
      </main>
    );
  }
  return (
    <main class="editor">
      <section class="configure" aria-label="Configure">
        <form onSubmit={save} class="stack">
          <div class="row spread sticky">
            <h1>{gpt ? gpt.name : 'New GPT'}</h1>
            <span class="row">
              {dirty && (
                <span class="unsaved" role="status">
                  Unsaved changes
                </span>
              )}
              <button type="submit" class="primary" disabled={saving || !dirty}>
                {saving ? 'Saving…' : gpt ? 'Save (new version)' : 'Create'}
              </button>
            </span>
          </div>
          {conflict ? (
            <ConflictNotice
              theirs={conflict}
              mine={draft}
              showDiff={showDiff}
              onShowDiff={() => setShowDiff(true)}
              onReload={reloadTheirs}
            />
          ) : (
            <ErrorBanner error={error} onDismiss={() => setError(null)} />
          )}
          {gpt?.access === 'edit' && <p class="notice small">Shared with you: you can edit it.</p>}
          {gpt && (
            <AvatarField
              gptId={gpt.id}
              name={gpt.name}
              avatar={gpt.avatar}
              onChange={() => api<Gpt>('GET', `/api/gpts/${gpt.id}`).then(setGpt)}
            />
          )}
          <ConfigureForm draft={draft} models={models} onChange={setDraft} />
        </form>
        {gpt ? (
          <>
            {isOwner && <KnowledgePanel gptId={gpt.id} />}
            {isOwner && <ActionsPanel gptId={gpt.id} />}
            <VersionsList key={gpt.version} gptId={gpt.id} currentVersion={gpt.version} />
            {isOwner && <SharePanel gptId={gpt.id} />}
            <PublishPanel gptId={gpt.id} version={gpt.version} />
          </>
        ) : (
          <p class="muted">Create the GPT to add knowledge files and actions.</p>
        )}
      </section>
      <section class="preview" aria-label="Preview">
        <h2>Preview</h2>
        {gpt ? (
          <>
            <p class="muted small">
              Chats with the saved version{dirty ? ' — save to preview your changes' : ''}.
            </p>
            <ChatView key={`${gpt.id}-${previewKey}`} gptId={gpt.id} starters={gpt.conversationStarters} />
          </>
        ) : (
          <p class="muted">The preview starts once the GPT exists.</p>
        )}
      </section>
    </main>
  );
}
