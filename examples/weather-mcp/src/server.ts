import { type Runtime, WorkflowFailedError } from '@durable-runtime/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ForecastResult, forecast } from './weather.js';

/** The MCP tool's input: what an assistant passes. */
const ToolInput = {
  latitude: z.number().min(-90).max(90).describe('Latitude in degrees, e.g. 52.52 for Berlin'),
  longitude: z.number().min(-180).max(180).describe('Longitude in degrees, e.g. 13.41 for Berlin'),
  days: z.number().int().min(1).max(16).default(3).describe('How many days, 1 to 16'),
};

const ToolOutput = {
  execution: z.string().describe('The id of the durable execution that answered'),
  attempts: z.number().int().describe('Which attempt of the fetch got the answer'),
  timezone: z.string(),
  days: z.array(
    z.object({
      date: z.string(),
      minC: z.number(),
      maxC: z.number(),
      precipitationMm: z.number(),
      conditions: z.string(),
    }),
  ),
};

/**
 * An MCP server with one tool, `get_forecast`. Each call starts a durable `forecast` execution on the runtime's
 * engine and answers with its result, so a flaky forecast service is retried with backoff by the engine.
 * @param apiUrl base URL of the Open-Meteo compatible forecast service
 */
export function createWeatherServer(runtime: Runtime, apiUrl: string): McpServer {
  const server = new McpServer({ name: 'durable-weather', version: '0.0.0' });
  let calls = 0;
  server.registerTool(
    'get_forecast',
    {
      title: 'Weather forecast',
      description: 'Daily weather forecast (temperatures, precipitation, conditions) for a location.',
      inputSchema: ToolInput,
      outputSchema: ToolOutput,
    },
    async ({ latitude, longitude, days }) => {
      const id = `forecast-${Date.now().toString(36)}-${++calls}`;
      try {
        const handle = await runtime.start(forecast, { apiUrl, latitude, longitude, days }, { id });
        const result = await handle.result();
        return {
          content: [{ type: 'text', text: describe(result) }],
          structuredContent: { execution: id, attempts: result.attempts, timezone: result.timezone, days: result.days },
        };
      } catch (error) {
        if (!WorkflowFailedError.is(error)) throw error;
        return { isError: true, content: [{ type: 'text', text: `No forecast (${id}): ${error.cause.message}` }] };
      }
    },
  );
  return server;
}

function describe(result: ForecastResult): string {
  const lines = result.days.map(
    (day) =>
      `${day.date}: ${day.minC} to ${day.maxC} °C, ${day.conditions}` +
      (day.precipitationMm > 0 ? `, ${day.precipitationMm} mm` : ''),
  );
  return [`Forecast for ${result.latitude}, ${result.longitude} (${result.timezone}):`, ...lines].join('\n');
}
