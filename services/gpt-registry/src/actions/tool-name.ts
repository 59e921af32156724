import { BUILT_IN_TOOL_NAMES } from '@chatty/contracts';

/** Tool names Ollama and OpenAI-style clients accept: at most 64 letters, digits, `_` and `-`. */
const MAX_TOOL_NAME = 64;

/**
 * The name a model calls an action by, derived from its display name: `Get Weather` → `get_weather`,
 * `getCurrentWeather` → `get_current_weather`, `Météo` → `meteo`. A name with nothing usable in it
 * (only punctuation, or a script without Latin letters) becomes `action`.
 */
export function toolNameOf(displayName: string): string {
  const name = displayName
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // the accents NFKD split off: é → e
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // camelCase → camel_Case
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2') // HTTPServer → HTTP_Server
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_TOOL_NAME)
    .replace(/_+$/, '');
  return name || 'action';
}

const builtIn: ReadonlySet<string> = new Set(BUILT_IN_TOOL_NAMES);

/**
 * `wanted`, or `wanted_2`, `wanted_3`… when the GPT has it already or the gateway uses it for a tool of
 * its own (`web_search`); the result is added to `taken`.
 */
export function uniqueToolName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let n = 2; taken.has(name) || builtIn.has(name); n++) {
    const suffix = `_${n}`;
    name = `${wanted.slice(0, MAX_TOOL_NAME - suffix.length)}${suffix}`;
  }
  taken.add(name);
  return name;
}
