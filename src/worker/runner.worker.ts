// The Web Worker that hosts the runner: long work (GPU kernels, training, imports) happens here,
// off the main thread. The app reaches it through src/protocol/client.ts (comlink). The calls it
// serves are exactly RunnerApi (src/protocol/api.ts): each is named here, so a new export of a
// worker module is not API until the interface and this table both say so.
import { expose } from 'comlink';
import type { RunnerApi } from '../protocol/api';
import * as analysis from './analysis';
import { backendAdvice } from './calibration';
import * as data from './data';
import * as experiments from './experiments';
import { exportTrl, trlCurves } from './export-trl';
import { importTrlModel } from './import-trl';
import { downloadOnnxModel, importOnnxModel, judgeWithOnnx } from './onnx-models';
import { gpuStatus, setRunnerCpuThreads } from './gpu-status';
import * as columns from './columns';
import { columnModels } from './column-models';
import { rewardModelOptions } from './compare-reward';
import * as models from './models';
import * as policies from './policies';
import * as rating from './rating';
import { runSelftest } from './selftest';

const api: RunnerApi = {
  gpuStatus,
  setCpuThreads: setRunnerCpuThreads,
  runSelftest,

  listDatasets: data.listDatasets,
  storageInfo: data.storageInfo,
  deleteDataset: data.deleteDataset,
  openDataset: data.openDataset,
  statsOf: data.statsOf,
  personaRows: data.personaRows,
  importFile: data.importFile,
  importUrl: data.importUrl,
  importOpinionQa: data.importOpinionQa,
  cancelImport: data.cancelImport,

  experimentPresets: experiments.experimentPresets,
  experimentMethods: experiments.experimentMethods,
  checkSpec: experiments.checkSpec,
  specInHash: experiments.specInHash,
  backendAdvice,
  runSpec: experiments.runSpec,
  cancelRun: experiments.cancelRun,
  listRuns: experiments.listRuns,
  deleteRun: experiments.deleteRun,
  importRuns: experiments.importRuns,
  exportRuns: experiments.exportRuns,
  exportTrl,
  trlCurves,
  importTrlModel,
  importOnnxModel,
  downloadOnnxModel,
  judgeWithOnnx,

  loadBuiltinModel: models.loadBuiltinModel,
  loadPickedModel: models.loadPickedModel,
  loadCachedModel: models.loadCachedModel,
  loadedModel: models.loadedModel,
  compareCatalog: models.compareCatalog,
  generateForPersonas: models.generateForPersonas,
  stopGeneration: models.stopGeneration,
  listCachedModels: models.listCachedModels,
  deleteCachedModel: models.deleteCachedModel,

  columnModels,
  rewardModelOptions,
  generateColumns: columns.generateColumns,
  stopColumns: columns.stopColumns,
  blindItems: rating.blindItems,
  castVote: rating.castVote,
  ratingPool: rating.ratingPool,
  exportVotes: rating.exportVotes,
  importVotes: rating.importVotes,
  aggregateVotes: rating.aggregateVotes,

  policyPresets: policies.policyPresets,
  checkPolicySpec: policies.checkPolicySpec,
  policySpecInHash: policies.policySpecInHash,
  policyBackendAdvice: policies.policyBackendAdvice,
  runPolicySpec: policies.runPolicySpec,
  cancelPolicyRun: policies.cancelPolicyRun,
  listPolicyRuns: policies.listPolicyRuns,
  deletePolicyRun: policies.deletePolicyRun,
  exportPolicyRun: policies.exportPolicyRun,
  importPolicyRuns: policies.importPolicyRuns,

  analysisPresets: analysis.analysisPresets,
  runAnalysisPreset: analysis.runAnalysisPreset,
  cancelAnalysis: analysis.cancelAnalysis,
  listAnalysisRuns: analysis.listAnalysisRuns,
  deleteAnalysisRun: analysis.deleteAnalysisRun,
  exportAnalysisRun: analysis.exportAnalysisRun,
};

expose(api);
