import { LocalStore } from '../src/index.js';
import { runResonateConformance } from './resonate-conformance.js';

// Local mode: the SDK's in-process store behind the adapter's LocalStore, with the adapter's bookkeeping (watch lists,
// cancellation, failed attempts) in the store's memory. conformance-server-bookkeeping.test.ts runs the server's.
runResonateConformance('resonate (in-process store, in-process bookkeeping)', () => ({ localStore: new LocalStore() }));
