import { LocalStore } from '../src/index.js';
import { runResonateConformance } from './resonate-conformance.js';

// The in-process store, used as the adapter uses a Resonate server or PostgreSQL (`bookkeeping: 'server'`): watch
// lists, cancellation flags and wait registries, failed attempts in durable promises; starts by `rpc`; outcomes
// through the SDK's listeners; waiters read by the running pass. So the server modes' code paths are certified here.
runResonateConformance('resonate (in-process store, server bookkeeping)', () => ({
  localStore: new LocalStore({ bookkeeping: 'server' }),
}));
