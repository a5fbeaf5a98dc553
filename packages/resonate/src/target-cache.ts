import type { Resonate } from '@resonatehq/sdk/async';

/** The part of the SDK's options builder (a private field of `Resonate`, shared by its contexts) that this file uses. */
interface TargetMatcher {
  match(target: string): string;
}

/** More distinct targets than a runtime uses (its group, the SDK's "default"): past it, nothing more is remembered. */
const MAX_REMEMBERED = 64;

/**
 * Every `ctx.run` builds the SDK's default options, whose target (`"default"`) the options builder first tries to
 * parse as a URL (a thrown `TypeError` each time) and then matches to an address: about a tenth of the CPU of a step
 * in local mode. The answer depends on the target alone, so the builder of this `Resonate` remembers it. Does nothing
 * when the SDK keeps no such builder (another version): options are then built as the SDK builds them. Returns whether
 * it applied (a test checks that it does on the SDK version this package pins).
 */
export function rememberTargets(resonate: Resonate): boolean {
  const builder = (resonate as unknown as { optsBuilder?: Partial<TargetMatcher> }).optsBuilder;
  const match = builder?.match;
  if (!builder || typeof match !== 'function') return false;
  const known = new Map<string, string>();
  builder.match = (target: string): string => {
    const found = known.get(target);
    if (found !== undefined) return found;
    const address = match.call(builder, target);
    if (known.size < MAX_REMEMBERED) known.set(target, address);
    return address;
  };
  return true;
}
