export * from './browser.js';
export * from './capture-logs.js';
export * from './concept-embedding.js';
export * from './ollama-server.js';
export * from './s3-server.js';
export * from './test-database.js';
export * from './test-redis.js';
export * from './test-s3.js';
