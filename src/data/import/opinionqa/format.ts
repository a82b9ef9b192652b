// The import report of an OpinionQA release as the lines `data stats` prints.
import type { OpinionQaSummary } from './read';

function list(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join('; ') : `${items.slice(0, max).join('; ')}; … (${items.length - max} more)`;
}

export function formatOpinionQaSummary(s: OpinionQaSummary): string[] {
  const lines = [
    `waves taken:    ${s.waves.length} (${s.waves.join(', ')})`,
    `skipped:        ${s.skipped.length ? `${s.skipped.length}: ${list(s.skipped)}` : 'nothing'}`,
  ];
  if (s.ignoredFiles.length) lines.push(`not survey data: ${s.ignoredFiles.length} file(s) in waves ignored: ${list(s.ignoredFiles, 4)}`);
  const d = s.duplicates;
  lines.push(`duplicates:     ${d.files.length} file(s) dropped whole${d.files.length ? ` (${list(d.files)})` : ''}; ${d.distributions} (group, question) distributions met again with the same counts, dropped${d.conflicting ? `; ${d.conflicting} met again with different counts (first kept)` : ''}`);
  lines.push(`group floor:    ${s.minGroupSize} respondents: ${s.smallGroups.distributions} (group, question) distributions under it dropped, ${s.smallGroups.groups} group(s) left with no question`);
  lines.push(`not in info.csv: ${s.notInInfo.length ? `${s.notInInfo.length} question key(s) skipped: ${list(s.notInInfo)}` : 'none'}`);
  lines.push(`pooled answers: one partition per wave, each respondent once: ${Object.entries(s.pooledFrom).map(([w, f]) => `${w} ${f}`).join('; ')}`);
  for (const n of s.notes) lines.push(`note:           ${n}`);
  return lines;
}
