// OpinionQA releases: the layout (waves and what is skipped), the tables, the groups of a data
// file, and the reader that turns them into a Dataset. Node's folder reader is ./node-files
// (imported by the CLI only, so the browser bundle does not see node:fs).
export { readOpinionQa, strictText, opinionQaFilesFromBlobs, DEFAULT_MIN_GROUP_SIZE, type OpinionQaOptions, type OpinionQaSummary } from './read';
export { releaseLayout, type OpinionQaFile, type ReleaseLayout, type Wave } from './layout';
export { formatOpinionQaSummary } from './format';
