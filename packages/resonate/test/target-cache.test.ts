import { LocalNetwork } from '@resonatehq/sdk';
import { Resonate } from '@resonatehq/sdk/async';
import { afterEach, expect, test } from 'vitest';
import { rememberTargets } from '../src/target-cache.js';

const opened: Resonate[] = [];
afterEach(() => {
  for (const resonate of opened.splice(0)) resonate.stop();
});

function resonate(): Resonate {
  const instance = new Resonate({ network: new LocalNetwork({ group: 'target-cache' }), group: 'target-cache' });
  opened.push(instance);
  return instance;
}

// rememberTargets reaches into a private field of the SDK; on another SDK version it silently does nothing, which
// would only cost speed. This test makes that loss loud on the version the package pins.
test('rememberTargets applies to the pinned SDK and answers as the SDK does', () => {
  const plain = resonate();
  const remembering = resonate();
  expect(rememberTargets(remembering)).toBe(true);
  for (const target of ['default', 'target-cache', 'poll://any@other']) {
    const expected = plain.options({ target }).target;
    expect(remembering.options({ target }).target).toBe(expected);
    expect(remembering.options({ target }).target).toBe(expected);
  }
});

test('rememberTargets leaves an object without the builder alone', () => {
  expect(rememberTargets({} as Resonate)).toBe(false);
});
