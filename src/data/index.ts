// The data layer's public API: schemas, the built-in generator and its truth, importers, the
// IndexedDB store, splits, pair builders, attribute subsets and stats. Layers above import from
// here (read-only views of data; nothing here touches the GPU or the UI).
export * from './errors';
export * from './schema';
export { parsePersonaBlock, renderPersonaBlock, personaIdOf, personaRecordFromBlock, type ParsedPersona } from './persona-block';
export * from './subsets';
export { contentHash, ContentHasher } from './content-hash';
export { personaBlock, personaRows, personaJsonl, datasetFingerprint } from './rows';

export { generateBuiltin, builtinDatasetId, DEFAULT_BUILTIN, DEFAULT_NOISE, BuiltinOptionsError, type BuiltinDataset, type BuiltinOptions, type BuiltinRow } from './builtin/generator';
export { AXES, AXIS_IDS, AXIS_BY_ID, driverScores, tastes, type AxisDef, type AxisId } from './builtin/axes';
export { QUESTIONS, TOPICS, TOPIC_AXES, type BuiltinQuestion, type Topic } from './builtin/questions';
export { candidatePoles, neutralPoles, responseText, responseId, polesFromId, poleName, type BuiltinResponse, type Poles } from './builtin/responses';
export { BuiltinTruth, axisWeight } from './builtin/model';
export { ceilings, marginalBest, poleKey, type CeilingReport } from './builtin/bayes';
export { builtinCorpus, type CorpusOptions } from './builtin/corpus';
export { polePairs } from './builtin/pole-pairs';
export { DRIVER_ATTRIBUTES, PROXY_ATTRIBUTES, IRRELEVANT_ATTRIBUTES } from './builtin/roles';
export { parseAnswer, normalizeAnswerText, knownSentences, type ParsedAnswer, type AxisReading, type TopicReading, type ParseFailure } from './builtin/parse-answer';
export { judgeAnswer, judgePair, compareJudged, tallyPairs, trueUtility, bayesBestAnswer, oracleBestAnswer, blindBestPoles, blindPoleByAxis, type JudgedAnswer, type BestAnswer, type PairJudgement, type PairTally, type InvalidCounts, type Outcome } from './builtin/truth-judge';
export { minorityOf, skewReport, formatSkewReport, skewStatsLines, parseSkewText, formatSkew, normalizeSkew, skewProblem, SKEW_MIN, SKEW_MAX, SkewTextError, type Skew, type Minority, type SkewAxisReport, type SkewGroupCeiling } from './builtin/skew';

export { splitDataset, splitPersonas, DEFAULT_SPLIT, SplitError, type DataSplit, type SplitOptions } from './splits';
export { labelerFor, trueUtilityLabeler, ownChoiceLabeler, groupSharesLabeler, isBuiltin, type Labeler, type Label, type ResponseRef } from './labels';
export { buildPairSets, genericPairs, consensusPairs, crossPairs, DEFAULT_PAIRS, type PairSets, type PreferencePair, type PairSetName, type PairOptions } from './pairs';
export { conflictRate, type ConflictStats } from './conflict';
export { pooledPreference, conflictFlags, type PooledPreference } from './pooled';
export { groupSizeCeiling, orderProbability, normalCdf, type GroupCeiling } from './noise-ceiling';
export { datasetStats, formatStats, type DatasetStats } from './stats';

export { blobSource, bytesSource, urlSource, type ByteSource, type UrlOptions } from './import/sources';
export { readPersonaBatches, readPersonaDataset, detectFormat, questionIdOf, type PersonaFormat, type ImportOptions, type ImportProgress, type ImportBatch, type ImportSummary } from './import/persona-file';
export { readOpinionQa, opinionQaFilesFromBlobs, strictText, formatOpinionQaSummary, releaseLayout, DEFAULT_MIN_GROUP_SIZE, type OpinionQaFile, type OpinionQaOptions, type OpinionQaSummary } from './import/opinionqa';
export { parsePythonLiteral, type PyValue, type PyDict } from './import/pyliteral';
export { DEFAULT_LIMITS, type ImportLimits } from './import/validate';

export { DatasetStore, fingerprintSource, type StoreImportOptions, type StoreImportResult } from './store/dataset-store';
export { DB_NAME, DB_VERSION, type StoredDatasetMeta } from './store/schema';
export { storageEstimate, requestPersistentStorage, type StorageEstimateInfo } from './store/storage';
