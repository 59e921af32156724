/**
 * Every route the client calls, named as the OpenAPI document names it (`{id}` for a path parameter).
 * The client builds its requests from this table, and test/openapi-agreement.test.ts checks each entry
 * against the document the origin serves, so a route renamed or removed on the server fails there.
 */
export const ROUTES = {
  me: ['GET', '/api/auth/me'],
  listModels: ['GET', '/api/models'],
  listGpts: ['GET', '/api/gpts'],
  getGpt: ['GET', '/api/gpts/{id}'],
  createGpt: ['POST', '/api/gpts'],
  updateGpt: ['PUT', '/api/gpts/{id}'],
  deleteGpt: ['DELETE', '/api/gpts/{id}'],
  listVersions: ['GET', '/api/gpts/{id}/versions'],
  exportGpt: ['GET', '/api/gpts/{id}/export'],
  importGpt: ['POST', '/api/gpts/import'],
  listFiles: ['GET', '/api/gpts/{id}/files'],
  uploadFile: ['POST', '/api/gpts/{id}/files'],
  getFile: ['GET', '/api/gpts/files/{fileId}'],
  deleteFile: ['DELETE', '/api/gpts/files/{fileId}'],
  listActions: ['GET', '/api/gpts/{id}/actions'],
  createAction: ['POST', '/api/gpts/{id}/actions'],
  updateAction: ['PUT', '/api/gpts/actions/{actionId}'],
  deleteAction: ['DELETE', '/api/gpts/actions/{actionId}'],
  executeAction: ['POST', '/api/gpts/actions/{actionId}/execute'],
  createSession: ['POST', '/api/gpts/{id}/sessions'],
  listSessions: ['GET', '/api/gpts/{id}/sessions'],
  getSession: ['GET', '/api/sessions/{sessionId}'],
  deleteSession: ['DELETE', '/api/sessions/{sessionId}'],
  sendMessage: ['POST', '/api/sessions/{sessionId}/messages'],
} as const satisfies Record<string, readonly ['GET' | 'POST' | 'PUT' | 'DELETE', string]>;

export type RouteName = keyof typeof ROUTES;

/** The route's path with its parameters filled in (each encoded). */
export function pathOf(name: RouteName, params: Record<string, string> = {}): string {
  return ROUTES[name][1].replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`${name}: missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
}
