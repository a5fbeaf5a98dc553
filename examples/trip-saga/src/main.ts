// Books two trips on the backend chosen by DURABLE_BACKEND (memory when unset): one goes through, the other finds no
// car and is rolled back (hotel, then flight, cancelled).
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { activeReservations, serviceLog } from './providers.js';
import { bookTrip, registry, type Trip, type TripResult } from './trip.js';

export async function runTripDemo(env: NodeJS.ProcessEnv = process.env, log = console.log) {
  const runtime = await createRuntime(loadConfig(env, { defaultBackend: 'memory' }), registry);
  const stamp = Date.now();
  const trips: Trip[] = [
    { tripId: `trip-${stamp}-a`, from: 'AMS', to: 'LIS', nights: 3, carClass: 'compact' },
    { tripId: `trip-${stamp}-b`, from: 'AMS', to: 'LIS', nights: 2, carClass: 'convertible' },
  ];
  try {
    const results: Record<string, TripResult> = {};
    for (const trip of trips) {
      const result = await runtime.run(bookTrip, trip, { id: trip.tripId });
      results[trip.tripId] = result;
      log(`[${runtime.backend}] ${trip.tripId} (${trip.carClass} car): ${JSON.stringify(result)}`);
      log(`[${runtime.backend}]   services were asked to: ${serviceLog(trip.tripId).join(', ')}`);
      log(`[${runtime.backend}]   still booked: ${activeReservations(trip.tripId).length}`);
    }
    return { trips, results };
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runTripDemo();
}
