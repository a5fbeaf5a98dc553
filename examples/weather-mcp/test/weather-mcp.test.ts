import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onEachBackend } from '@durable-runtime/example-testing';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ForecastService, startForecastService } from '../src/forecast-service.js';
import { connectClient, runWeatherDemo } from '../src/main.js';

// The MCP server runs as a child process, as an MCP host runs it: from the built example (`pnpm build` first).
const script = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const workflowModule = fileURLToPath(new URL('../dist/weather.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`pnpm build\` first`);
});

onEachBackend((engine) => {
  let service: ForecastService;
  let client: Client;
  beforeAll(async () => {
    service = await startForecastService({ failFirst: 2 });
    client = await connectClient(script, { ...engine().env(workflowModule), WEATHER_API_URL: service.url });
  });
  afterAll(async () => {
    await client?.close();
    await service?.close();
  });

  test('the server offers get_forecast with its input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['get_forecast']);
    expect(tools[0]?.inputSchema).toMatchObject({
      type: 'object',
      properties: { latitude: { type: 'number' }, longitude: { type: 'number' }, days: { type: 'integer' } },
      required: ['latitude', 'longitude'],
    });
  });

  test('a tool call is a durable execution whose fetch is retried with backoff until the service answers', async () => {
    const result = await client.callTool({
      name: 'get_forecast',
      arguments: { latitude: 52.52, longitude: 13.41, days: 2 },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(result.structuredContent).toEqual({
      execution: expect.stringMatching(/^forecast-/),
      attempts: 3,
      timezone: 'GMT',
      days: [
        { date: '2026-06-01', minC: 1, maxC: 7, precipitationMm: 0, conditions: 'clear sky' },
        { date: '2026-06-02', minC: 2, maxC: 8, precipitationMm: 2.4, conditions: 'rain' },
      ],
    });
    expect(result.content).toEqual([
      {
        type: 'text',
        text: 'Forecast for 52.52, 13.41 (GMT):\n2026-06-01: 1 to 7 °C, clear sky\n2026-06-02: 2 to 8 °C, rain, 2.4 mm',
      },
    ]);
    expect(service.requests.map((request) => request.status)).toEqual([503, 503, 200]);
    const [first, second, third] = service.requests.map((request) => request.at) as [number, number, number];
    // FETCH_RETRY waits 250 ms after the first failure and 500 ms after the second: never less.
    expect(second - first).toBeGreaterThanOrEqual(250 - 5);
    expect(third - second).toBeGreaterThanOrEqual(500 - 5);
  });

  test('a request the service refuses fails at once (no retry) and the tool reports the error', async () => {
    const before = service.requests.length;
    const result = await client.callTool({ name: 'get_forecast', arguments: { latitude: 89.5, longitude: 0 } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      {
        type: 'text',
        text: expect.stringMatching(
          /^No forecast \(forecast-\S+\): Step 'fetchForecast' failed after 1 attempt: TerminalError: the forecast service refused the request \(400\): no forecast for latitude 89.5$/,
        ),
      },
    ]);
    expect(service.requests.slice(before).map((request) => request.status)).toEqual([400]);
  });

  test('the demo runs the server over stdio against its own flaky stand-in service', async () => {
    const lines: string[] = [];
    const result = await runWeatherDemo(engine().env(workflowModule), (line) => lines.push(line), script);
    expect(result.structuredContent).toMatchObject({ attempts: 3 });
    expect(lines[1]).toBe('tools: get_forecast');
    expect(lines[2]?.split('\n')).toEqual([
      'Forecast for 52.52, 13.41 (GMT):',
      '2026-06-01: 1 to 7 °C, clear sky',
      '2026-06-02: 2 to 8 °C, rain, 2.4 mm',
      '2026-06-03: 3 to 9 °C, overcast',
    ]);
  });
});
