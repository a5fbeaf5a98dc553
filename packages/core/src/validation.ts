import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors.js';

/**
 * Parses `value` with a zod schema. @throws ValidationError whose message and `issues` name each offending field.
 * @param what e.g. `"input of workflow 'order'"`.
 */
export function parseWithSchema<T>(schema: z.ZodType<T> | undefined, value: unknown, what: string): T {
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: ValidationIssue[] = parsed.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const summary = issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, issues);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
