import { defineStep, defineWorkflow, TerminalError } from '@durable-runtime/core';
import { z } from 'zod';

/** The part of an Open-Meteo `/v1/forecast` answer the tool uses (`daily=` the four fields below). */
const OpenMeteoForecast = z.object({
  timezone: z.string(),
  daily: z
    .object({
      time: z.array(z.string()),
      temperature_2m_min: z.array(z.number()),
      temperature_2m_max: z.array(z.number()),
      precipitation_sum: z.array(z.number()),
      weather_code: z.array(z.number()),
    })
    .refine((daily) => Object.values(daily).every((column) => column.length === daily.time.length), {
      message: 'the daily columns differ in length',
    }),
});

export interface FetchForecastArgs {
  /** Base URL of an Open-Meteo compatible service, e.g. `https://api.open-meteo.com`. */
  readonly apiUrl: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly days: number;
}

/**
 * Fetches a daily forecast. A 5xx, a 429 or a network error is thrown as an ordinary error, which the workflow's retry
 * policy retries with backoff; any other 4xx is a `TerminalError` (asking again will not help).
 */
export const fetchForecast = defineStep('fetchForecast', async (args: FetchForecastArgs, info) => {
  const url = new URL(`${args.apiUrl.replace(/\/+$/, '')}/v1/forecast`);
  url.searchParams.set('latitude', String(args.latitude));
  url.searchParams.set('longitude', String(args.longitude));
  url.searchParams.set('daily', 'temperature_2m_min,temperature_2m_max,precipitation_sum,weather_code');
  url.searchParams.set('timezone', 'auto');
  url.searchParams.set('forecast_days', String(args.days));
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    const body = (await response.json().catch(() => ({}))) as { reason?: string };
    throw new TerminalError(`the forecast service refused the request (${response.status}): ${body.reason ?? ''}`);
  }
  if (!response.ok) throw new Error(`the forecast service answered ${response.status} ${response.statusText}`);
  return { attempt: info.attempt, forecast: OpenMeteoForecast.parse(await response.json()) };
});

export const ForecastInput = z.object({
  apiUrl: z.url(),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  days: z.number().int().min(1).max(16),
});

export interface DailyForecast {
  date: string;
  minC: number;
  maxC: number;
  precipitationMm: number;
  conditions: string;
}

export interface ForecastResult {
  latitude: number;
  longitude: number;
  timezone: string;
  days: DailyForecast[];
  /** Which attempt of the fetch step got the answer. */
  attempts: number;
}

/** The policy of the fetch: 5 attempts, waiting 250 ms, 500 ms, 1 s and 2 s between them. */
export const FETCH_RETRY = {
  maxAttempts: 5,
  initialInterval: '250ms',
  backoffCoefficient: 2,
  maxInterval: '5s',
} as const;

/**
 * One forecast request, durably: the fetch is a step, so its answer is recorded once, and a failing service is
 * retried with backoff by the engine (on Temporal, Restate and Resonate also across a crash of the process).
 */
export const forecast = defineWorkflow({
  name: 'forecast',
  input: ForecastInput,
  async run(ctx, input): Promise<ForecastResult> {
    await ctx.state.set('status', 'fetching');
    const { attempt, forecast: answer } = await ctx.run(fetchForecast, input, { retry: FETCH_RETRY, timeout: '15s' });
    const { daily } = answer;
    const days = daily.time.map((date, i) => ({
      date,
      minC: daily.temperature_2m_min[i]!,
      maxC: daily.temperature_2m_max[i]!,
      precipitationMm: daily.precipitation_sum[i]!,
      conditions: describeWeatherCode(daily.weather_code[i]!),
    }));
    await ctx.state.set('status', `fetched on attempt ${attempt}`);
    return { latitude: input.latitude, longitude: input.longitude, timezone: answer.timezone, days, attempts: attempt };
  },
});

/** WMO weather interpretation codes, as Open-Meteo reports them. */
export function describeWeatherCode(code: number): string {
  if (code === 0) return 'clear sky';
  if (code <= 2) return 'partly cloudy';
  if (code === 3) return 'overcast';
  if (code === 45 || code === 48) return 'fog';
  if (code >= 51 && code <= 57) return 'drizzle';
  if (code >= 61 && code <= 67) return 'rain';
  if (code >= 71 && code <= 77) return 'snow';
  if (code >= 80 && code <= 82) return 'rain showers';
  if (code === 85 || code === 86) return 'snow showers';
  if (code >= 95) return 'thunderstorm';
  return `weather code ${code}`;
}

export const registry = { workflows: [forecast], steps: [fetchForecast] };
