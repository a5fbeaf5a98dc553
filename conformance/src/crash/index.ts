/**
 * Crash certification: `runCrashCertification` (in the adapter's test file) and `runCrashWorker` (in the adapter's
 * worker module). The fixtures are bundle-safe and live in `crash-fixtures.ts`.
 */
export {
  campaign,
  campaignStep,
  crashA,
  crashable,
  crashB,
  crashC,
  crashProbe,
  crashRegistry,
} from './crash-fixtures.js';
export type { CrashSink } from './crash-probe.js';
export { runCrashWorker, WORKER_READY } from './crash-worker.js';
export { fileSink } from './file-sink.js';
export { requireBuilt } from './require-built.js';
export {
  CAMPAIGN_STEPS,
  type CampaignFigures,
  type CampaignOutcome,
  type CrashCampaignOptions,
  campaignFigures,
  campaignInput,
  expectNothingLost,
  runCrashCampaign,
  writeCampaignFigures,
} from './run-crash-campaign.js';
export { type CrashCertificationOptions, runCrashCertification } from './run-crash-certification.js';
