import { fileURLToPath } from 'node:url';
import { createRuntime, loadConfig } from '@durable-runtime/core';
import { onEachBackend, RUN_ID } from '@durable-runtime/example-testing';
import { expect, test } from 'vitest';
import { runTripDemo } from '../src/main.js';
import { activeReservations, serviceLog } from '../src/providers.js';
import { bookTrip, registry } from '../src/trip.js';

const workflowModule = fileURLToPath(new URL('../src/trip.ts', import.meta.url));

onEachBackend((engine) => {
  test('a trip books flight, hotel (after one retry) and car; a sold-out car rolls back hotel then flight', async () => {
    const { trips, results } = await runTripDemo(engine().env(workflowModule), () => {});
    const [booked, soldOut] = trips.map((trip) => trip.tripId) as [string, string];

    expect(results[booked]).toMatchObject({ status: 'booked' });
    expect(serviceLog(booked)).toEqual(['book flight', 'book hotel', 'book car']);
    expect(activeReservations(booked).map((reservation) => reservation.service)).toEqual(['flight', 'hotel', 'car']);

    expect(results[soldOut]).toEqual({
      status: 'rolled-back',
      failedStep: 'bookCar',
      reason: 'no convertible car available in LIS',
      compensated: ['hotel', 'flight'],
    });
    expect(serviceLog(soldOut)).toEqual(['book flight', 'book hotel', 'cancel hotel', 'cancel flight']);
    expect(activeReservations(soldOut)).toEqual([]);
  });

  test('the saga state is readable from outside after the rollback', async () => {
    const runtime = await createRuntime(loadConfig(engine().env(workflowModule)), registry);
    try {
      const tripId = `trip-${RUN_ID}-state`;
      const handle = await runtime.start(bookTrip, { tripId, from: 'AMS', to: 'FAO', nights: 1, carClass: 'compact' });
      await expect(handle.result()).resolves.toMatchObject({ status: 'rolled-back', failedStep: 'bookCar' });
      expect(await handle.getState()).toEqual({ status: 'rolled-back', compensated: ['hotel', 'flight'] });
      expect(activeReservations(tripId)).toEqual([]);
    } finally {
      await runtime.close();
    }
  });
});
