export { buildWeb, upstreamsOf, type WebApp } from './app.js';
export { loadWebConfig, type WebConfig, WebEnv } from './config.js';
export { mergeDocuments } from './openapi-document.js';
