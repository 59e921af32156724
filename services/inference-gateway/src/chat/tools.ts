import type { RuntimeAction } from '@chatty/contracts';
import type { OllamaTool } from '../pool/ollama-types.js';

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/** Active actions offered to the model as Ollama tools, with their argument schema. */
export function toolsOf(actions: RuntimeAction[]): OllamaTool[] {
  return actions.map((action) => ({
    type: 'function',
    function: {
      // Derived from the display name by the registry, unique within the GPT.
      name: action.toolName,
      description: action.description || action.name,
      parameters: {
        type: 'object',
        properties: Object.fromEntries(
          action.arguments.map((argument) => [
            argument.name,
            {
              type: JSON_TYPES.has(argument.type) ? argument.type : 'string',
              ...(argument.description && { description: argument.description }),
            },
          ]),
        ),
        required: action.arguments.filter((argument) => argument.required).map((argument) => argument.name),
      },
    },
  }));
}

export function actionForTool(actions: RuntimeAction[], name: string): RuntimeAction | undefined {
  return actions.find((action) => action.toolName === name);
}

const STOP_WORDS = new Set(
  'the and for with that this from what when where which about into your have will would could should please'.split(
    ' ',
  ),
);

const wordsOf = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length >= 4 && !STOP_WORDS.has(word)),
  );

/**
 * For a model without tool support, the seed's way: an action runs when the message mentions its
 * name, or shares enough of the words that describe it, and every required argument can be read off
 * the message as `name: value` or `name=value`.
 */
export function matchIntents(
  actions: RuntimeAction[],
  message: string,
): Array<{ action: RuntimeAction; args: Record<string, string> }> {
  const said = wordsOf(message);
  const lower = message.toLowerCase();
  const matches = [];
  for (const action of actions) {
    const named = lower.includes(action.name.toLowerCase()) || lower.includes(action.toolName.toLowerCase());
    const shared = [...wordsOf(`${action.name} ${action.description}`)].filter((word) =>
      said.has(word),
    ).length;
    if (!named && shared < 2) continue;
    const args: Record<string, string> = {};
    for (const argument of action.arguments) {
      const found = new RegExp(`\\b${escapeRegExp(argument.name)}\\s*[:=]\\s*("([^"]*)"|(\\S+))`, 'i').exec(
        message,
      );
      const value = found?.[2] ?? found?.[3];
      if (value !== undefined) args[argument.name] = value.replace(/[.,;!?]+$/, '');
    }
    if (action.arguments.every((argument) => !argument.required || argument.name in args)) {
      matches.push({ action, args });
    }
  }
  return matches;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
