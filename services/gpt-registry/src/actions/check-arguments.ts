import type { ActionArgument, ArgumentValues } from '@chatty/contracts';
import { badRequest } from '@chatty/shared';

const MATCHES: Record<ActionArgument['type'], (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
};

/** A call's arguments against the action's declarations: known names, right types, required ones given. */
export function checkArguments(declared: ActionArgument[], given: ArgumentValues): void {
  const byName = new Map(declared.map((argument) => [argument.name, argument]));
  for (const [name, value] of Object.entries(given)) {
    const argument = byName.get(name);
    if (!argument) throw badRequest('UNKNOWN_ARGUMENT', `The action has no argument ${name}`);
    if (!MATCHES[argument.type](value)) {
      throw badRequest('INVALID_ARGUMENT', `Argument ${name} must be a ${argument.type}`);
    }
  }
  for (const argument of declared) {
    if (argument.required && given[argument.name] === undefined) {
      throw badRequest('MISSING_ARGUMENT', `Argument ${argument.name} is required`);
    }
  }
}
