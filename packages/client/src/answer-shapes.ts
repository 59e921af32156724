// What the client checks an answer against before it hands it on: a server that is not Chatty (or a
// proxy's page) is named as such, rather than failing later on a missing field.

export function isObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/** `{items: […]}`, as every list route answers. */
export function isList(body: unknown): boolean {
  return isObject(body) && Array.isArray(body.items);
}

export function isGpt(body: unknown): boolean {
  return isObject(body) && typeof body.id === 'string' && typeof body.name === 'string';
}
