import { setTimeout as delay } from 'node:timers/promises';
import { deferred } from '../deferred.js';
import type { Program, Subject } from '../types.js';
import { addOne, mark } from '../workflows.js';

/**
 * The floor: the same work as plain async code, with nothing durable. It calls the very step functions the
 * workflows run, so what the memory engine adds on top of it is its own cost.
 */
export function floorProgram(): Program {
  // One signal that never aborts: the floor has no timeouts and no cancellation.
  const signal = new AbortController().signal;
  const info = (id: string, stepName: string) => ({ attempt: 1, executionId: id, stepName, signal });
  return {
    async runSteps(id, count, n) {
      let value = n;
      for (let i = 0; i < count; i++) value = await addOne.fn(value, info(id, addOne.name));
      return value;
    },
    async startMarked(id) {
      const done = (async () => mark.fn(id, info(id, mark.name)))();
      return () => done;
    },
    async runSleep(_id, ms) {
      await delay(ms);
    },
    async startWaiting(id) {
      const go = deferred<number>();
      const done = (async () => {
        await mark.fn(id, info(id, mark.name));
        return go.promise;
      })();
      return {
        resolve: async (value) => go.resolve(value),
        result: () => done,
      };
    },
    close: async () => undefined,
  };
}

/** The floor as a subject of an engine's comparison. */
export function floorSubject(): Subject {
  return {
    role: 'floor',
    label: 'plain async',
    description: 'the same step functions called by plain async code, setTimeout for sleeps, nothing durable',
    program: floorProgram(),
  };
}

/** Closes the programs of an engine's subjects, one after the other. */
export async function closeSubjects(subjects: readonly Subject[]): Promise<void> {
  for (const subject of subjects) await subject.program.close();
}
