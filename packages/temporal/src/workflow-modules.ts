import { pathToFileURL } from 'node:url';
import { ConfigError, type Registry } from '@durable-runtime/core';
import { collectWorkflows, type WorkflowModule } from './workflow/entry.js';

/**
 * Checks that every registered workflow is defined by one of the workflow modules that go into the bundle: a
 * workflow missing there would never run on this worker. Loads the modules in this process (where the application
 * usually imported them already).
 * @throws ConfigError naming the missing workflows, or a module that does not load.
 */
export async function checkWorkflowModules(workflowModules: readonly string[], registry: Registry): Promise<void> {
  const modules: WorkflowModule[] = [];
  for (const path of workflowModules) {
    try {
      modules.push(await import(/* @vite-ignore */ pathToFileURL(path).href));
    } catch (error) {
      throw new ConfigError(`workflowModules: cannot load '${path}': ${(error as Error).message}`, { cause: error });
    }
  }
  const defined = collectWorkflows(modules);
  const missing = registry.workflows.filter((workflow) => !defined.has(workflow.name)).map((w) => `'${w.name}'`);
  if (missing.length === 0) return;
  const list = [...defined.keys()].map((name) => `'${name}'`).join(', ') || 'none';
  throw new ConfigError(
    `The registered workflow${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} ` +
      `not exported by any of the workflowModules (${workflowModules.join(', ')}), so Temporal's workflow bundle would ` +
      `not contain ${missing.length > 1 ? 'them' : 'it'}: export ${missing.length > 1 ? 'them' : 'it'} from one of ` +
      `these modules, or add the module that defines ${missing.length > 1 ? 'them' : 'it'}. (The modules define: ${list}.)`,
  );
}
