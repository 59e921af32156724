import { useEffect, useState } from 'preact/hooks';
import { api, errorText } from '../api/client.js';
import type { Action, ActionResult, ActionRun, ImportedActions } from '../api/types.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBanner } from '../components/error-banner.js';
import { type ActionDraft, ActionForm } from './action-form.js';

/** Actions: add, edit, import from OpenAPI, test one, and see the runs. */
export function ActionsPanel({ gptId }: { gptId: string }) {
  const [actions, setActions] = useState<Action[]>([]);
  const [editing, setEditing] = useState<Action | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [openapi, setOpenapi] = useState('');
  const [imported, setImported] = useState<ImportedActions | null>(null);
  const [testing, setTesting] = useState<{
    action: Action;
    args: string;
    result?: ActionResult;
    busy?: boolean;
  } | null>(null);
  const [runs, setRuns] = useState<ActionRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ items: Action[] }>('GET', `/api/gpts/${gptId}/actions`)
      .then((body) => setActions(body.items))
      .catch((caught) => setError(errorText(caught)));
  useEffect(() => void load(), [gptId]);

  async function guarded(work: () => Promise<unknown>) {
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(errorText(caught));
      throw caught;
    }
  }

  async function save(draft: ActionDraft) {
    await guarded(async () => {
      if (editing === 'new') await api('POST', `/api/gpts/${gptId}/actions`, draft);
      else if (editing) await api('PUT', `/api/gpts/actions/${editing.id}`, draft);
      setEditing(null);
      await load();
    }).catch(() => {});
  }

  async function runTest() {
    if (!testing) return;
    let args: unknown;
    try {
      args = testing.args.trim() ? JSON.parse(testing.args) : {};
    } catch {
      return setError('Arguments must be a JSON object, e.g. {"city": "Paris"}');
    }
    setTesting({ ...testing, busy: true });
    await guarded(async () => {
      const result = await api<ActionResult>('POST', `/api/gpts/actions/${testing.action.id}/execute`, {
        arguments: args,
      });
      setTesting({ ...testing, result, busy: false });
    }).catch(() => setTesting({ ...testing, busy: false }));
  }

  return (
    <section class="card stack" aria-label="Actions">
      <div class="row spread">
        <h2>Actions</h2>
        <div class="row">
          <button type="button" onClick={() => setEditing('new')}>
            Add action
          </button>
          <button type="button" onClick={() => setImporting(!importing)}>
            Import OpenAPI
          </button>
        </div>
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {importing && (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void guarded(async () => {
              setImported(
                await api<ImportedActions>('POST', `/api/gpts/${gptId}/actions/import`, { openapi }),
              );
              setImporting(false);
              setOpenapi('');
              await load();
            }).catch(() => {});
          }}
        >
          <label>
            OpenAPI 3 document (JSON or YAML)
            <textarea rows={8} value={openapi} onInput={(e) => setOpenapi(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={!openapi.trim()}>
            Import
          </button>
        </form>
      )}
      {imported && <ImportReport report={imported} onDismiss={() => setImported(null)} />}
      {editing && (
        <ActionForm
          initial={editing === 'new' ? undefined : editing}
          onSave={save}
          onCancel={() => setEditing(null)}
        />
      )}
      <ul class="actions" aria-label="Action list">
        {actions.map((action) => (
          <li key={action.id} class="row spread">
            <span>
              <strong>{action.name}</strong> <code title="What the model calls it">{action.toolName}</code>{' '}
              <code class="muted">
                {action.method} {action.url}
              </code>
            </span>
            <span class="row">
              <button type="button" onClick={() => setTesting({ action, args: '{}' })}>
                Test
              </button>
              <button type="button" onClick={() => setEditing(action)}>
                Edit
              </button>
              <ConfirmButton
                label="Delete"
                confirm="Delete this action?"
                onConfirm={() =>
                  void guarded(() => api('DELETE', `/api/gpts/actions/${action.id}`).then(load)).catch(
                    () => {},
                  )
                }
              />
            </span>
          </li>
        ))}
      </ul>
      {testing && (
        <section class="card stack" aria-label={`Test ${testing.action.name}`}>
          <label>
            Arguments for {testing.action.name} (JSON)
            <textarea
              rows={3}
              value={testing.args}
              onInput={(e) => setTesting({ ...testing, args: e.currentTarget.value })}
            />
          </label>
          <div class="row">
            <button type="button" class="primary" disabled={testing.busy} onClick={runTest}>
              {testing.busy ? 'Running…' : 'Run'}
            </button>
            <button type="button" onClick={() => setTesting(null)}>
              Close
            </button>
          </div>
          {testing.result && (
            <div class="result" data-testid="action-result">
              <p>
                Status <strong>{testing.result.status}</strong> in {Math.round(testing.result.durationMs)} ms
                {testing.result.truncated ? ' (body cut at the size limit)' : ''}
              </p>
              <pre class="extracted">{testing.result.body}</pre>
            </div>
          )}
        </section>
      )}
      <details
        onToggle={(event) => {
          if ((event.currentTarget as HTMLDetailsElement).open) {
            api<{ items: ActionRun[] }>('GET', `/api/gpts/${gptId}/actions/runs`)
              .then((body) => setRuns(body.items))
              .catch((caught) => setError(errorText(caught)));
          }
        }}
      >
        <summary>Runs</summary>
        {runs && runs.length === 0 && <p class="muted">No runs yet.</p>}
        {runs && runs.length > 0 && (
          <table class="list">
            <thead>
              <tr>
                <th>When</th>
                <th>Action</th>
                <th>Target</th>
                <th>Outcome</th>
                <th>Time</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <td>{new Date(run.createdAt).toLocaleString()}</td>
                  <td>{run.actionName}</td>
                  <td>
                    {run.method} {run.targetHost}
                  </td>
                  <td>
                    {run.outcome === 'ok'
                      ? run.status
                      : `${run.outcome}${run.errorCode ? ` (${run.errorCode})` : ''}`}
                  </td>
                  <td>{run.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </details>
    </section>
  );
}

/** What an OpenAPI import made: the secrets its actions still need, and the operations it left out. */
function ImportReport({ report, onDismiss }: { report: ImportedActions; onDismiss: () => void }) {
  return (
    <div class="notice stack" role="status" aria-label="Import report">
      <p>
        Imported {report.items.length} action{report.items.length === 1 ? '' : 's'}.
      </p>
      {report.secretsToSet.length > 0 && (
        <>
          <p>The API asks for these secrets: enter each on its action (Edit).</p>
          <ul aria-label="Secrets to set">
            {report.secretsToSet.map((secret) => (
              <li key={`${secret.actionId}:${secret.header}`}>
                {secret.action}: <code>{secret.header}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {report.skipped.length > 0 && (
        <>
          <p>Left out:</p>
          <ul aria-label="Left out">
            {report.skipped.map((skip) => (
              <li key={`${skip.method} ${skip.path}`}>
                {skip.method} {skip.path}: {skip.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
