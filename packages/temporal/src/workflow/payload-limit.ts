import { DEFAULT_MAX_PAYLOAD_BYTES } from '@durable-runtime/core';
import { PAYLOAD_LIMIT_MEMO } from './names.js';

/** The memo fields that carry a payload limit to an execution: none for core's default. */
export function limitMemo(maxPayloadBytes: number): Record<string, number> {
  return maxPayloadBytes === DEFAULT_MAX_PAYLOAD_BYTES ? {} : { [PAYLOAD_LIMIT_MEMO]: maxPayloadBytes };
}

/** The payload limit of an execution, from its memo. */
export function limitOf(memo: Record<string, unknown> | undefined): number {
  const limit = memo?.[PAYLOAD_LIMIT_MEMO];
  return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : DEFAULT_MAX_PAYLOAD_BYTES;
}
