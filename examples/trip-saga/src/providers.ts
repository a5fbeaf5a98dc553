/**
 * Stand-ins for the three booking services (in-process, no network). Each keeps its reservations and a log of what
 * it was asked to do, so a test can check that a rolled-back trip leaves nothing booked.
 */

export type Service = 'flight' | 'hotel' | 'car';

export interface Reservation {
  readonly service: Service;
  readonly tripId: string;
  readonly confirmation: string;
  readonly detail: string;
}

const active = new Map<string, Reservation>();
const log: { service: Service; action: 'book' | 'cancel'; tripId: string; confirmation: string }[] = [];
let counter = 0;

/** Cars each city's rental desk still has, by class. */
const CAR_STOCK: Record<string, readonly string[]> = {
  LIS: ['compact', 'estate'],
  OPO: ['compact'],
};

export function reserve(service: Service, tripId: string, detail: string): Reservation {
  const reservation = { service, tripId, detail, confirmation: `${service.toUpperCase()}-${++counter}` };
  active.set(reservation.confirmation, reservation);
  log.push({ service, action: 'book', tripId, confirmation: reservation.confirmation });
  return reservation;
}

/** Cancels a reservation; cancelling one that is already gone is a no-op (compensations may be retried). */
export function release(service: Service, confirmation: string): void {
  const reservation = active.get(confirmation);
  if (!reservation) return;
  active.delete(confirmation);
  log.push({ service, action: 'cancel', tripId: reservation.tripId, confirmation });
}

export function carsAvailable(city: string): readonly string[] {
  return CAR_STOCK[city] ?? [];
}

/** The reservations of a trip that are still booked. */
export function activeReservations(tripId: string): Reservation[] {
  return [...active.values()].filter((reservation) => reservation.tripId === tripId);
}

/** What the services were asked to do for a trip, in order. */
export function serviceLog(tripId: string) {
  return log.filter((entry) => entry.tripId === tripId).map(({ service, action }) => `${action} ${service}`);
}
