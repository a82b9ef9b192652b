// Dispatch geometry shared by 1-D kernels: N threads as a 2-D grid of workgroups, because one
// dimension is capped at maxComputeWorkgroupsPerDimension (65535 by default).

export interface Grid1D {
  /** Workgroups along x and y. */
  x: number;
  y: number;
  /** Threads per grid row (x * workgroupSize): the kernel's flat index is gid.y * row + gid.x. */
  row: number;
}

export function grid1d(n: number, workgroupSize: number, maxPerDimension = 65535): Grid1D {
  const groups = Math.max(1, Math.ceil(n / workgroupSize));
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  if (y > maxPerDimension) throw new RangeError(`${n} elements exceed one dispatch's grid`);
  return { x, y, row: x * workgroupSize };
}
