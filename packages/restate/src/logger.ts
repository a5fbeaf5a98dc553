import type { LoggerTransport } from '@restatedev/restate-sdk';
import type { RestateLogLevel } from './options.js';

const RANK: Record<RestateLogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, silent: 5 };

/**
 * The Restate SDK's log lines at `level` and above, on the console; nothing while replaying, nor once `closed()`
 * (the invocations a closed endpoint abandons report their broken streams: expected, and retried elsewhere).
 */
export function loggerAt(level: RestateLogLevel, closed: () => boolean): LoggerTransport {
  return (params, message, ...rest) => {
    const rank = RANK[params.level as RestateLogLevel] ?? RANK.info;
    if (params.replaying || rank < RANK[level] || closed()) return;
    const context = params.context ? `[${params.context.invocationTarget}][${params.context.invocationId}]` : '';
    const line = `[restate]${context} ${params.level.toUpperCase()}:`;
    if (rank >= RANK.error) console.error(line, message, ...rest);
    else if (rank >= RANK.warn) console.warn(line, message, ...rest);
    else console.log(line, message, ...rest);
  };
}
