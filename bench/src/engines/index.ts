import type { Engine } from '../types.js';
import { memoryEngine } from './memory.js';
import { resonateEngine } from './resonate.js';
import { restateEngine } from './restate.js';
import { sqliteEngine } from './sqlite.js';
import { temporalEngine } from './temporal.js';

/** Every engine, in report order. Adding one: a module in this folder and a line here. */
export const ENGINES: readonly Engine[] = [memoryEngine, sqliteEngine, temporalEngine, restateEngine, resonateEngine];
