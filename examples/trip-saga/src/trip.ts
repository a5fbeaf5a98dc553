import { defineStep, defineWorkflow, StepFailedError, TerminalError } from '@durable-runtime/core';
import { z } from 'zod';
import { carsAvailable, release, reserve } from './providers.js';

export const TripInput = z.object({
  tripId: z.string().min(1),
  from: z.string().length(3),
  to: z.string().length(3),
  nights: z.number().int().positive(),
  carClass: z.string().min(1),
});
export type Trip = z.infer<typeof TripInput>;

export const bookFlight = defineStep('bookFlight', (trip: Trip) => {
  return reserve('flight', trip.tripId, `${trip.from} -> ${trip.to}`);
});

export const bookHotel = defineStep('bookHotel', (trip: Trip, info) => {
  // The hotel service answers 503 to the first call: an ordinary failure, retried by the step's policy.
  if (info.attempt === 1) throw new Error('hotel service unavailable (503)');
  return reserve('hotel', trip.tripId, `${trip.nights} nights in ${trip.to}`);
});

export const bookCar = defineStep('bookCar', (trip: Trip) => {
  // Sold out is final: a TerminalError is never retried, so ctx.run fails at once with a StepFailedError.
  if (!carsAvailable(trip.to).includes(trip.carClass)) {
    throw new TerminalError(`no ${trip.carClass} car available in ${trip.to}`);
  }
  return reserve('car', trip.tripId, `${trip.carClass} in ${trip.to}`);
});

export const cancelFlight = defineStep('cancelFlight', (args: { confirmation: string }) => {
  release('flight', args.confirmation);
});
export const cancelHotel = defineStep('cancelHotel', (args: { confirmation: string }) => {
  release('hotel', args.confirmation);
});
export const cancelCar = defineStep('cancelCar', (args: { confirmation: string }) => {
  release('car', args.confirmation);
});

/** Bookings are retried briefly; compensations must get through, so they are retried much longer. */
const BOOKING_RETRY = { maxAttempts: 3, initialInterval: '100ms' } as const;
const UNDO_RETRY = { maxAttempts: 20, initialInterval: '200ms', maxInterval: '10s' } as const;

export type TripResult =
  | { status: 'booked'; confirmations: Record<'flight' | 'hotel' | 'car', string> }
  | { status: 'rolled-back'; failedStep: string; reason: string; compensated: string[] };

/**
 * Books a flight, a hotel and a car. When a booking fails for good, the bookings already made are cancelled in
 * reverse order (a saga): the trip ends either fully booked or with nothing booked.
 */
export const bookTrip = defineWorkflow({
  name: 'bookTrip',
  input: TripInput,
  async run(ctx, trip): Promise<TripResult> {
    const undo: { booking: string; run: () => Promise<unknown> }[] = [];
    await ctx.state.set('status', 'booking');
    try {
      const flight = await ctx.run(bookFlight, trip, { retry: BOOKING_RETRY });
      undo.push({ booking: 'flight', run: () => ctx.run(cancelFlight, flight, { retry: UNDO_RETRY }) });
      const hotel = await ctx.run(bookHotel, trip, { retry: BOOKING_RETRY });
      undo.push({ booking: 'hotel', run: () => ctx.run(cancelHotel, hotel, { retry: UNDO_RETRY }) });
      const car = await ctx.run(bookCar, trip, { retry: BOOKING_RETRY });
      await ctx.state.set('status', 'booked');
      const confirmations = { flight: flight.confirmation, hotel: hotel.confirmation, car: car.confirmation };
      return { status: 'booked', confirmations };
    } catch (error) {
      if (!StepFailedError.is(error)) throw error;
      await ctx.state.set('status', `compensating: ${error.stepName} failed`);
      const compensated: string[] = [];
      for (const compensation of undo.reverse()) {
        await compensation.run();
        compensated.push(compensation.booking);
        await ctx.state.set('compensated', compensated);
      }
      await ctx.state.set('status', 'rolled-back');
      return { status: 'rolled-back', failedStep: error.stepName, reason: error.cause.message, compensated };
    }
  },
});

export const registry = {
  workflows: [bookTrip],
  steps: [bookFlight, bookHotel, bookCar, cancelFlight, cancelHotel, cancelCar],
};
