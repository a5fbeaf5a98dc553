import { runRestateConformance } from './restate-conformance.js';

runRestateConformance('restate');
