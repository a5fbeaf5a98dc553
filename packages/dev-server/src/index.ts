/**
 * `@durable-runtime/dev-server`: what the adapters' `testing` entries share to run an engine's server for tests and
 * examples: free loopback ports, a managed server process (output kept, SIGTERM then SIGKILL, killed on exit),
 * readiness polling that fails fast when the process dies, TCP and process probes, and executable lookup. Which binary, arguments and health
 * check stay with each adapter.
 */
export { firstExecutable, isExecutable } from './executables.js';
export { freePorts } from './free-ports.js';
export { type ManagedProcess, type StartProcessOptions, startProcess } from './managed-process.js';
export { acceptsConnections, isProcessAlive } from './probes.js';
export { waitUntil } from './wait-until.js';
