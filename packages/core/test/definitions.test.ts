import { describe, expect, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  createRegistry,
  type DurableContext,
  defineStep,
  defineWorkflow,
  type InputOf,
  type OutputOf,
  ValidationError,
} from '../src/index.js';

const charge = defineStep('charge', async (args: { cents: number }) => ({ id: `ch-${args.cents}` }));
const order = defineWorkflow({
  name: 'order',
  input: z.object({ cents: z.number().int() }),
  async run(ctx, input) {
    const result = await ctx.run(charge, { cents: input.cents });
    return { chargeId: result.id };
  },
});

describe('definitions', () => {
  test('types flow from schemas and step functions', () => {
    expectTypeOf(charge.name).toEqualTypeOf<'charge'>();
    expectTypeOf(order.name).toEqualTypeOf<'order'>();
    expectTypeOf<InputOf<typeof order>>().toEqualTypeOf<{ cents: number }>();
    expectTypeOf<OutputOf<typeof order>>().toEqualTypeOf<{ chargeId: string }>();
    expectTypeOf<DurableContext['run']>().parameter(0).not.toBeAny();
  });

  test('names are checked', () => {
    expect(() => defineStep('', async () => 1)).toThrow(ValidationError);
    expect(() => defineStep('has space', async () => 1)).toThrow(/Invalid step name "has space"/);
    expect(() => defineWorkflow({ name: '9lives', run: async () => 1 })).toThrow(/Invalid workflow name/);
    expect(() => defineWorkflow({ name: 'x', run: undefined as never })).toThrow(/needs a run\(ctx, input\) function/);
  });

  test('the registry refuses duplicates and reports unknown names with what is registered', () => {
    const registry = createRegistry({ workflows: [order], steps: [charge] });
    expect(registry.workflow('order')).toBe(order);
    expect(() => registry.step('refund')).toThrow(/The step 'refund' is not registered with this runtime/);
    expect(() => registry.step('refund')).toThrow(/registered: 'charge'/);
    const twin = defineStep('charge', async () => 0);
    expect(() => createRegistry({ workflows: [], steps: [charge, twin] })).toThrow(ConfigError);
    expect(() => createRegistry({ workflows: [charge as never] })).toThrow(
      /registry\.workflows\[0\] is not a workflow/,
    );
  });
});

describe('input types with schema defaults', () => {
  test('start accepts the schema input type; run receives the parsed type', () => {
    const withDefaults = defineWorkflow({
      name: 'withDefaults',
      input: z.object({ id: z.string(), retries: z.number().default(3) }),
      async run(_ctx, input) {
        expectTypeOf(input).toEqualTypeOf<{ id: string; retries: number }>();
        return input.retries;
      },
    });
    expectTypeOf<InputOf<typeof withDefaults>>().toEqualTypeOf<{ id: string; retries?: number | undefined }>();
    expectTypeOf<OutputOf<typeof withDefaults>>().toEqualTypeOf<number>();
    const untyped = defineWorkflow({ name: 'untyped', run: async (_ctx, n: number) => `${n}` });
    expectTypeOf<InputOf<typeof untyped>>().toEqualTypeOf<number>();
    expectTypeOf<OutputOf<typeof untyped>>().toEqualTypeOf<string>();
  });
});
