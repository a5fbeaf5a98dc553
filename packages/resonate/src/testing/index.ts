/**
 * @durable-runtime/resonate/testing: engines for the adapter's remote modes, on 127.0.0.1 with free ports and
 * throwaway data. `startResonateServer` runs the Rust Resonate server (`resonate dev`, a binary no package registry
 * ships: see its documentation); `startPostgres` runs a PostgreSQL cluster of the machine's binaries, into which the
 * resonate-pg schema can be loaded (`sqlFiles`) for the PostgreSQL mode.
 */
export { type PostgresOptions, type PostgresServer, startPostgres } from './postgres.js';
export {
  findResonateServer,
  type ResonateServer,
  type ResonateServerOptions,
  startResonateServer,
} from './resonate-server.js';
