/**
 * `@durable-runtime/temporal/workflow`: the part of the adapter that runs inside Temporal's workflow sandbox.
 * Sandbox-safe: it imports only `@temporalio/workflow` and `@durable-runtime/core`. The adapter's generated bundle entry
 * calls {@link createWorkflowEntry} with the application's workflow modules; applications never import it directly.
 */
export { collectWorkflows, createWorkflowEntry, type WorkflowModule } from './entry.js';
export { MESSAGE_SIGNAL, PROMISE_SIGNAL, STATE_QUERY } from './names.js';
