// Which variants of a kernel its check covers on a device: the plain variant always, and the
// `subgroups` one where the device has the feature (whatever GpuContext.variants says, so the
// self-test checks what a user could turn on). Case names of the subgroups variant end "[subgroups]".
import type { GpuContext } from '../../gpu';

export function subgroupVariants(ctx: GpuContext): boolean[] {
  return ctx.hasFeature('subgroups') ? [false, true] : [false];
}

export function subgroupTag(subgroups: boolean): string {
  return subgroups ? ' [subgroups]' : '';
}
