import { createServer } from 'node:http';
import { urlOf } from './harness.js';

export interface WeatherApi {
  /** The path and query of every call it received, in order. */
  calls: string[];
  /** A GPT action for it, `get_weather(city)`, as the registry hands it to the gateway. */
  action(id: string): {
    id: string;
    name: string;
    toolName: string;
    description: string;
    arguments: Array<{ name: string; type: 'string'; description: string; required: boolean }>;
    url: string;
  };
  close(): Promise<void>;
}

/** A real HTTP API on loopback for action tests: it answers 21 degrees in Oslo and records each call. */
export async function startWeatherApi(): Promise<WeatherApi> {
  const calls: string[] = [];
  const server = createServer((request, response) => {
    calls.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ city: 'Oslo', temperature: 21 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    calls,
    action: (id) => ({
      id,
      name: 'Get Weather',
      toolName: 'get_weather',
      description: 'Current weather for a city',
      arguments: [{ name: 'city', type: 'string', description: 'City name', required: true }],
      url: `${urlOf(server)}/weather`,
    }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
