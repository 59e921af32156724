import type { Gpt } from '../api/types.js';
import type { Draft } from '../editor/draft.js';

const FIELDS: Array<[keyof Draft, string]> = [
  ['name', 'Name'],
  ['description', 'Description'],
  ['instructions', 'Instructions'],
  ['conversationStarters', 'Conversation starters'],
  ['modelId', 'Model'],
  ['capabilities', 'Capabilities'],
  ['isActive', 'Active'],
];

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * Someone saved the GPT while this draft was being edited: the save was refused (409). Offers to
 * reload their version (dropping this draft) or to see, field by field, how theirs and this draft differ.
 */
export function ConflictNotice({
  theirs,
  mine,
  showDiff,
  onShowDiff,
  onReload,
}: {
  theirs: Gpt;
  mine: Draft;
  showDiff: boolean;
  onShowDiff(): void;
  onReload(): void;
}) {
  const differences = FIELDS.filter(([key]) => shown(theirs[key]) !== shown(mine[key]));
  return (
    <div class="error-banner stack" role="alert" aria-label="Conflict">
      <span>
        Someone else saved version {theirs.version} of this GPT while you were editing; your change was not
        saved.
      </span>
      <div class="row">
        <button type="button" onClick={onReload}>
          Reload their version
        </button>
        <button type="button" onClick={onShowDiff}>
          Show the difference
        </button>
      </div>
      {showDiff && (
        <table class="diff" aria-label="Difference">
          <thead>
            <tr>
              <th>Field</th>
              <th>Their version {theirs.version}</th>
              <th>Your draft</th>
            </tr>
          </thead>
          <tbody>
            {differences.map(([key, label]) => (
              <tr key={key}>
                <th>{label}</th>
                <td>{shown(theirs[key])}</td>
                <td>{shown(mine[key])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
