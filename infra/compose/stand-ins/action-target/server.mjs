// Answers every request with what it received (method, path, query, the headers an API key travels
// in), so a compose run can see an action reach it with its parameters and secrets filled in.
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://action-target');
  const body = JSON.stringify({
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    authorization: request.headers.authorization ? 'present' : 'absent',
    weather: { location: url.searchParams.get('q'), forecast: 'sunny', celsius: 21 },
  });
  response.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
