import { KNOWLEDGE_TYPES, SETTLED_FILE_STATUSES } from '@chatty/contracts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorText, upload } from '../api/client.js';
import type { KnowledgeFile } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBanner } from '../components/error-banner.js';

/** Every extension the registry accepts (documents, slides, sheets, images, source code). */
const ACCEPT = Object.values(KNOWLEDGE_TYPES)
  .flatMap((type) => type.extensions)
  .join(',');
const POLL_MS = 1000;

interface Uploading {
  key: string;
  name: string;
  fraction: number;
  error?: string;
}

/** Knowledge files: drop or pick several; each shows upload progress, then ingestion until ready or failed. */
export function KnowledgePanel({ gptId }: { gptId: string }) {
  const [files, setFiles] = useState<KnowledgeFile[]>([]);
  const [uploads, setUploads] = useState<Uploading[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [viewing, setViewing] = useState<{ name: string; text: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const load = () =>
    api<{ items: KnowledgeFile[] }>('GET', `/api/gpts/${gptId}/files`)
      .then((body) => setFiles(body.items))
      .catch((caught) => setError(errorText(caught)));

  useEffect(() => void load(), [gptId]);
  const pending = files.some((file) => !SETTLED_FILE_STATUSES.has(file.status));
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [pending, gptId]);

  async function send(list: FileList | File[]) {
    for (const file of Array.from(list)) {
      const key = `${file.name}-${Date.now()}-${Math.random()}`;
      setUploads((all) => [...all, { key, name: file.name, fraction: 0 }]);
      const update = (change: Partial<Uploading>) =>
        setUploads((all) => all.map((item) => (item.key === key ? { ...item, ...change } : item)));
      upload<KnowledgeFile>(`/api/gpts/${gptId}/files`, file, (fraction) => update({ fraction }))
        .then(() => {
          setUploads((all) => all.filter((item) => item.key !== key));
          return load();
        })
        .catch((caught) => update({ error: errorText(caught) }));
    }
  }

  async function view(file: KnowledgeFile) {
    try {
      setViewing({
        name: file.originalName,
        text: await api<string>('GET', `/api/gpts/files/${file.id}/text`),
      });
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function setActive(file: KnowledgeFile, isActive: boolean) {
    try {
      await api('PATCH', `/api/gpts/files/${file.id}`, { isActive });
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function remove(file: KnowledgeFile) {
    try {
      await api('DELETE', `/api/gpts/files/${file.id}`);
      await load();
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <section class="card stack" aria-label="Knowledge">
      <h2>Knowledge</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: dropping is a mouse shortcut; the button inside is the keyboard path */}
      <div
        class={`dropzone ${dragging ? 'dragging' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          if (event.dataTransfer?.files) void send(event.dataTransfer.files);
        }}
      >
        <p>Drop files here, or</p>
        <button type="button" onClick={() => picker.current?.click()}>
          Choose files…
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          accept={ACCEPT}
          class="visually-hidden"
          aria-label="Knowledge files"
          onChange={(event) => {
            if (event.currentTarget.files) void send(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
        <p class="muted small">PDF, Word, text, Markdown, JSON, CSV and images (read by OCR).</p>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <ul class="files" aria-label="Files">
        {uploads.map((item) => (
          <li key={item.key} class="file">
            <span class="file-name">{item.name}</span>
            {item.error ? (
              <span class="failed" role="alert">
                {item.error}
              </span>
            ) : (
              <Progress label="uploading" fraction={item.fraction} />
            )}
          </li>
        ))}
        {files.map((file) => (
          <li key={file.id} class="file" data-status={file.status} data-active={file.isActive}>
            <span class="file-name">{file.originalName}</span>
            <FileState file={file} />
            {/* Off, the file stays here and readable; answers stop using it from the next message. */}
            <label class="small">
              <input
                type="checkbox"
                checked={file.isActive}
                onChange={(event) => void setActive(file, event.currentTarget.checked)}
              />{' '}
              Use in answers
            </label>
            {file.status === 'ready' && (
              <button type="button" class="subtle" onClick={() => view(file)}>
                View text
              </button>
            )}
            <ConfirmButton label="Delete" confirm="Delete this file?" onConfirm={() => remove(file)} />
          </li>
        ))}
      </ul>
      {viewing && (
        <dialog open class="card viewer" aria-label={`Text of ${viewing.name}`}>
          <div class="row spread">
            <strong>{viewing.name}</strong>
            <button type="button" onClick={() => setViewing(null)}>
              Close
            </button>
          </div>
          <pre class="extracted">{viewing.text}</pre>
        </dialog>
      )}
    </section>
  );
}

function FileState({ file }: { file: KnowledgeFile }) {
  if (file.status === 'ready') {
    const detail = [
      file.pageCount && `${file.pageCount} pages`,
      file.chunkCount && `${file.chunkCount} chunks`,
    ]
      .filter(Boolean)
      .join(', ');
    return <span class="ready">ready{detail ? ` · ${detail}` : ''}</span>;
  }
  if (file.status === 'failed') return <span class="failed">failed: {file.error ?? 'unknown reason'}</span>;
  if (file.status === 'queued') return <Progress label="queued" fraction={0} />;
  return <Progress label="processing" fraction={file.progress} />;
}

function Progress({ label, fraction }: { label: string; fraction: number }) {
  const percent = Math.round(fraction * 100);
  return (
    <span class="progress">
      <progress max={100} value={percent} aria-label={label} />
      <span class="muted small">
        {label} {percent}%
      </span>
    </span>
  );
}
