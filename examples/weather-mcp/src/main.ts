// The weather tool behind an MCP server, on the backend chosen by DURABLE_BACKEND (memory when unset).
//   node dist/main.js serve   the MCP server on stdio (what an MCP host such as an assistant runs); the forecast
//                             service is WEATHER_API_URL (default https://api.open-meteo.com)
//   node dist/main.js         a demo: starts a local stand-in forecast service that fails its first two requests
//                             (unless WEATHER_API_URL is set), runs the server as a child process over stdio and calls
//                             the tool with the MCP SDK's client, as a host would
import { fileURLToPath } from 'node:url';
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { startForecastService } from './forecast-service.js';
import { createWeatherServer } from './server.js';
import { registry } from './weather.js';

export const DEFAULT_WEATHER_API_URL = 'https://api.open-meteo.com';

/** Runs the MCP server on stdin/stdout until stdin ends (the host went away) or a SIGTERM/SIGINT arrives. */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  const server = createWeatherServer(runtime, env.WEATHER_API_URL || DEFAULT_WEATHER_API_URL);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= server.close().finally(() => runtime.close());
    return stopping;
  };
  process.stdin.once('end', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await server.connect(new StdioServerTransport());
  console.error(`[${runtime.backend}] durable-weather MCP server on stdio`); // stdout carries the protocol
}

/**
 * Connects an MCP client to the server run as a child process (`node <script> serve`), as an MCP host does.
 * @param script the built main module (dist/main.js)
 * @param env the child's environment: the engine's variables and WEATHER_API_URL
 */
export async function connectClient(script: string, env: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'weather-demo', version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [script, 'serve'], env }));
  return client;
}

export async function runWeatherDemo(
  env: NodeJS.ProcessEnv = process.env,
  log = console.log,
  script = fileURLToPath(import.meta.url),
) {
  const standIn = env.WEATHER_API_URL ? undefined : await startForecastService({ failFirst: 2 });
  const apiUrl = env.WEATHER_API_URL || (standIn?.url as string);
  if (standIn) log(`local stand-in forecast service on ${apiUrl} (fails its first 2 requests)`);
  const childEnv = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
  const client = await connectClient(script, { ...childEnv, WEATHER_API_URL: apiUrl });
  try {
    const { tools } = await client.listTools();
    log(`tools: ${tools.map((tool) => tool.name).join(', ')}`);
    const result = await client.callTool({ name: 'get_forecast', arguments: { latitude: 52.52, longitude: 13.41 } });
    for (const item of result.content as { type: string; text?: string }[]) if (item.text) log(item.text);
    log(`structured: ${JSON.stringify(result.structuredContent)}`);
    return result;
  } finally {
    await client.close();
    await standIn?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === 'serve') await serve();
  else await runWeatherDemo();
}
