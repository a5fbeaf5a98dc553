/**
 * `@durable-runtime/restate/testing`: starts and stops a Restate server on loopback for tests and examples. The
 * binary comes from the npm package `@restatedev/restate-server` (no separate provisioning).
 */

export { freePorts } from '@durable-runtime/dev-server';
export { findRestateServer, SERVER_PACKAGE } from './binary.js';
export { type RestateServerOptions, type RestateTestServer, startRestateServer } from './restate-server.js';
