import type { Workload } from '../types.js';
import { promiseRoundTrip } from './promise.js';
import { sequential } from './sequential.js';
import { sleeps } from './sleeps.js';
import { startLatency } from './start-latency.js';
import { throughput } from './throughput.js';

/** Every workload, in report order. Adding one: a module in this folder and a line here. */
export const WORKLOADS: readonly Workload[] = [sequential, throughput, startLatency, sleeps, promiseRoundTrip];
