import { createServer, type Server } from 'node:http';

/** Options of {@link startForecastService}. */
export interface ForecastServiceOptions {
  /** Answer this many requests with `503 Service Unavailable` before answering normally. @default 0 */
  readonly failFirst?: number;
}

/** A request the service received. */
export interface ReceivedRequest {
  readonly at: number;
  readonly url: string;
  readonly status: number;
}

/** A running forecast service on 127.0.0.1. */
export interface ForecastService {
  /** Base URL: what `WEATHER_API_URL` is set to. */
  readonly url: string;
  readonly requests: readonly ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A local stand-in for Open-Meteo's forecast API (`GET /v1/forecast`, same parameters and answer shape) with canned,
 * deterministic data, on 127.0.0.1 and a free port. It can fail its first requests, to show the retries. Latitudes
 * beyond ±85° are refused with a 400, as a real service refuses bad input.
 */
export async function startForecastService(options: ForecastServiceOptions = {}): Promise<ForecastService> {
  const requests: ReceivedRequest[] = [];
  let failuresLeft = options.failFirst ?? 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, body: unknown) => {
      requests.push({ at: Date.now(), url: url.pathname + url.search, status });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname !== '/v1/forecast') return answer(404, { error: true, reason: 'not found' });
    if (failuresLeft > 0) {
      failuresLeft--;
      return answer(503, { error: true, reason: 'temporarily overloaded' });
    }
    const latitude = Number(url.searchParams.get('latitude'));
    const days = Number(url.searchParams.get('forecast_days') ?? 7);
    if (!(Math.abs(latitude) <= 85)) {
      return answer(400, { error: true, reason: `no forecast for latitude ${url.searchParams.get('latitude')}` });
    }
    answer(200, cannedForecast(latitude, days));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}

function cannedForecast(latitude: number, days: number) {
  const range = Array.from({ length: days }, (_, i) => i);
  const base = Math.round(25 - Math.abs(latitude) / 3);
  return {
    latitude,
    timezone: 'GMT',
    daily: {
      time: range.map((i) => `2026-06-${String(i + 1).padStart(2, '0')}`),
      temperature_2m_min: range.map((i) => base - 6 + (i % 3)),
      temperature_2m_max: range.map((i) => base + (i % 4)),
      precipitation_sum: range.map((i) => (i % 3 === 1 ? 2.4 : 0)),
      weather_code: range.map((i) => [0, 61, 3][i % 3]),
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
