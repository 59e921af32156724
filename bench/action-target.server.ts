import http from 'node:http';

/**
 * The actions bench's target, in its own process as a real API would be: a bare Node server answering
 * a small JSON body (and `/health/ready`, so the bench can wait for it).
 */
const body = JSON.stringify({ temperature: 21.5, unit: 'C', city: 'Oslo' });
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
server.listen(Number(process.env.PORT), '127.0.0.1');
