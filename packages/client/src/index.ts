export { ChattyClient, type ClientOptions } from './client.js';
export { ChattyError, ChattyTimeoutError, errorOf, UnexpectedAnswerError } from './errors.js';
export type { Upload, UploadProgress } from './multipart.js';
export { pathOf, ROUTES, type RouteName } from './routes.js';
export { readEvents, type ServerSentEvent } from './sse.js';
export type * from './types.js';
