import type { Model } from '../api/types.js';
import type { Draft } from './draft.js';

const CAPABILITIES: Array<[keyof Draft['capabilities'], string]> = [
  ['webSearch', 'Web search'],
  ['canvas', 'Canvas'],
  ['imageGeneration', 'Image generation'],
  ['codeInterpreter', 'Code interpreter'],
];
const MAX_STARTERS = 10;

interface Props {
  draft: Draft;
  models: Model[] | null;
  onChange(draft: Draft): void;
}

export function ConfigureForm({ draft, models, onChange }: Props) {
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => onChange({ ...draft, [key]: value });
  const starters = draft.conversationStarters;
  return (
    <div class="stack">
      <label>
        Name
        <input
          required
          maxLength={100}
          value={draft.name}
          onInput={(e) => set('name', e.currentTarget.value)}
        />
      </label>
      <label>
        Description
        <input
          maxLength={2000}
          value={draft.description}
          placeholder="What this GPT does, in a sentence"
          onInput={(e) => set('description', e.currentTarget.value)}
        />
      </label>
      <label>
        Instructions
        <textarea
          rows={8}
          maxLength={32000}
          value={draft.instructions}
          placeholder="How it behaves, what it should and should not do"
          onInput={(e) => set('instructions', e.currentTarget.value)}
        />
        <span class="muted small">{draft.instructions.length.toLocaleString()} / 32,000</span>
      </label>
      <fieldset>
        <legend>Conversation starters</legend>
        {starters.map((starter, index) => (
          <div class="row" key={index}>
            <input
              class="grow"
              aria-label={`Conversation starter ${index + 1}`}
              maxLength={500}
              value={starter}
              onInput={(e) =>
                set(
                  'conversationStarters',
                  starters.map((s, i) => (i === index ? e.currentTarget.value : s)),
                )
              }
            />
            <button
              type="button"
              aria-label={`Remove starter ${index + 1}`}
              onClick={() =>
                set(
                  'conversationStarters',
                  starters.filter((_, i) => i !== index),
                )
              }
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          disabled={starters.length >= MAX_STARTERS}
          onClick={() => set('conversationStarters', [...starters, ''])}
        >
          Add starter
        </button>
      </fieldset>
      <fieldset>
        <legend>Capabilities</legend>
        {CAPABILITIES.map(([key, label]) => (
          <label class="check" key={key}>
            <input
              type="checkbox"
              checked={draft.capabilities[key]}
              onChange={(e) => set('capabilities', { ...draft.capabilities, [key]: e.currentTarget.checked })}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <label>
        Model
        <select required value={draft.modelId} onChange={(e) => set('modelId', e.currentTarget.value)}>
          <option value="" disabled>
            {models ? 'Choose a model' : 'Loading models…'}
          </option>
          {(models ?? []).map((model) => (
            <option value={model.id} key={model.id}>
              {model.id} — {model.role}
              {model.available === false ? ' (no worker has it)' : ''}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
