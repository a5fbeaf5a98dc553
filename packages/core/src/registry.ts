import { type AnyStep, type AnyWorkflow, isStepDefinition, isWorkflowDefinition } from './definitions.js';
import { ConfigError, ValidationError } from './errors.js';

/** The workflows and steps an application registers with `createRuntime(config, registry)`. */
export interface RegistryInput {
  readonly workflows: readonly AnyWorkflow[];
  /** Every step the workflows run. Workers find steps by name, so each must be registered. */
  readonly steps?: readonly AnyStep[];
}

/** The checked registry adapters receive: lookups by name. */
export interface Registry {
  readonly workflows: readonly AnyWorkflow[];
  readonly steps: readonly AnyStep[];
  /** @throws ValidationError naming the workflow when it is not registered. */
  workflow(name: string): AnyWorkflow;
  /** @throws ValidationError naming the step when it is not registered. */
  step(name: string): AnyStep;
  hasWorkflow(name: string): boolean;
}

/** Checks for duplicates and non-definitions and builds the lookups. @throws ConfigError */
export function createRegistry(input: RegistryInput): Registry {
  const workflows = indexByName(input.workflows ?? [], 'workflows', isWorkflowDefinition);
  const steps = indexByName(input.steps ?? [], 'steps', isStepDefinition);
  return {
    workflows: [...workflows.values()],
    steps: [...steps.values()],
    workflow(name) {
      const found = workflows.get(name);
      if (!found) throw notRegistered('workflow', name, 'workflows', [...workflows.keys()]);
      return found;
    },
    step(name) {
      const found = steps.get(name);
      if (!found) throw notRegistered('step', name, 'steps', [...steps.keys()]);
      return found;
    },
    hasWorkflow: (name) => workflows.has(name),
  };
}

function indexByName<T extends { name: string }>(
  items: readonly T[],
  field: string,
  guard: (value: unknown) => boolean,
): Map<string, T> {
  const byName = new Map<string, T>();
  items.forEach((item, index) => {
    if (!guard(item)) {
      throw new ConfigError(`registry.${field}[${index}] is not a ${field.slice(0, -1)} definition`);
    }
    const existing = byName.get(item.name);
    if (existing && existing !== item) {
      throw new ConfigError(`registry.${field} has two different definitions named '${item.name}'`);
    }
    byName.set(item.name, item);
  });
  return byName;
}

function notRegistered(kind: string, name: string, field: string, known: string[]): ValidationError {
  const list = known.length > 0 ? known.map((n) => `'${n}'`).join(', ') : 'none';
  return new ValidationError(
    `The ${kind} '${name}' is not registered with this runtime: add it to createRuntime(config, { ${field} }) (registered: ${list})`,
    [{ path: field, message: `'${name}' missing` }],
  );
}
