import { PLACEHOLDER } from '@chatty/contracts';
import type { ActionArgument } from '../api/types.js';

const TYPES: ActionArgument['type'][] = ['string', 'number', 'integer', 'boolean'];

/** Every `{{name}}` used in the action gets an argument (a required string unless declared otherwise). */
export function withPlaceholdersDeclared(args: ActionArgument[], texts: string[]): ActionArgument[] {
  const declared = new Set(args.map((arg) => arg.name));
  const added: ActionArgument[] = [];
  for (const text of texts) {
    for (const [, name] of text.matchAll(PLACEHOLDER)) {
      if (name && !declared.has(name)) {
        declared.add(name);
        added.push({ name, type: 'string', description: '', required: true });
      }
    }
  }
  return [...args, ...added];
}

/** The arguments a model is told about: name, type, what it means, whether it must be given. */
export function ArgumentsEditor({
  value,
  onChange,
}: {
  value: ActionArgument[];
  onChange(args: ActionArgument[]): void;
}) {
  const set = (index: number, change: Partial<ActionArgument>) =>
    onChange(value.map((arg, i) => (i === index ? { ...arg, ...change } : arg)));
  return (
    <fieldset>
      <legend>Arguments</legend>
      <p class="muted small">
        Placeholders like {'{{city}}'} are added here when you save; describe them for the model.
      </p>
      {value.map((arg, index) => (
        <div class="row" key={index}>
          <input
            aria-label={`Argument name ${index + 1}`}
            value={arg.name}
            onInput={(e) => set(index, { name: e.currentTarget.value })}
          />
          <select
            aria-label={`Argument type ${index + 1}`}
            value={arg.type}
            onChange={(e) => set(index, { type: e.currentTarget.value as ActionArgument['type'] })}
          >
            {TYPES.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
          <input
            class="grow"
            aria-label={`Argument description ${index + 1}`}
            placeholder="What it is"
            value={arg.description}
            onInput={(e) => set(index, { description: e.currentTarget.value })}
          />
          <label class="check">
            <input
              type="checkbox"
              checked={arg.required}
              onChange={(e) => set(index, { required: e.currentTarget.checked })}
            />
            required
          </label>
          <button
            type="button"
            aria-label={`Remove argument ${index + 1}`}
            onClick={() => onChange(value.filter((_, i) => i !== index))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() => onChange([...value, { name: '', type: 'string', description: '', required: false }])}
      >
        Add argument
      </button>
    </fieldset>
  );
}
