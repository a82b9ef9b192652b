// Reads what an .onnx file declares before any runtime sees it: graph inputs and outputs with
// their element types and dims, the weights' data types and bytes, ops and opsets. The ONNX model
// source checks these (a decoder with past key values, fp32, complete) so a wrong or cut-off file
// is refused with words instead of failing deep inside onnxruntime.
import { ProtoReader, ProtoTruncatedError, type ProtoField } from '../../util/protobuf';
import { ONNX_DTYPE } from './graph-builder';
import { OnnxTruncatedError } from './errors';

export interface OnnxValue {
  name: string;
  elemType: number;
  /** A number, a symbolic name, or null (unknown). */
  dims: (number | string | null)[];
}

export interface OnnxGraphInfo {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  /** Weight count and bytes by TensorProto data type. */
  weights: Map<number, { count: number; bytes: number }>;
  /** Weights stored in a separate file (external data): their locations. */
  externalData: string[];
  ops: Set<string>;
}

export const DTYPE_NAMES: Record<number, string> = {
  [ONNX_DTYPE.FLOAT]: 'float32',
  [ONNX_DTYPE.FLOAT16]: 'float16',
  [ONNX_DTYPE.BFLOAT16]: 'bfloat16',
  [ONNX_DTYPE.DOUBLE]: 'float64',
  [ONNX_DTYPE.UINT8]: 'uint8',
  [ONNX_DTYPE.INT8]: 'int8',
  [ONNX_DTYPE.INT4]: 'int4',
  [ONNX_DTYPE.UINT4]: 'uint4',
  [ONNX_DTYPE.INT32]: 'int32',
  [ONNX_DTYPE.INT64]: 'int64',
  [ONNX_DTYPE.BOOL]: 'bool',
};

export function dtypeName(t: number): string {
  return DTYPE_NAMES[t] ?? `data type ${t}`;
}

function valueInfo(r: ProtoReader): OnnxValue {
  const v: OnnxValue = { name: '', elemType: 0, dims: [] };
  for (const f of r.fields()) {
    if (f.field === 1) v.name = r.text(f);
    if (f.field !== 2) continue;
    const type = r.sub(f);
    for (const t of type.fields()) {
      if (t.field !== 1) continue; // TypeProto.tensor_type
      const tensor = type.sub(t);
      for (const x of tensor.fields()) {
        if (x.field === 1) v.elemType = x.value;
        if (x.field !== 2) continue;
        const shape = tensor.sub(x);
        for (const d of shape.fields()) {
          if (d.field !== 1) continue;
          const dim = shape.sub(d);
          let value: number | string | null = null;
          for (const y of dim.fields()) value = y.field === 1 ? y.value : y.field === 2 ? dim.text(y) : value;
          v.dims.push(value);
        }
      }
    }
  }
  return v;
}

function tensorInfo(r: ProtoReader, info: OnnxGraphInfo): void {
  let dtype = 0;
  let bytes = 0;
  for (const f of r.fields()) {
    if (f.field === 2) dtype = f.value;
    else if (f.field === 9 || f.field === 4 || f.field === 5 || f.field === 7) bytes += f.end - f.start;
    else if (f.field === 13) {
      // external_data: StringStringEntryProto { key 1, value 2 }; the 'location' entry names the file.
      const entry = r.sub(f);
      let key = '';
      let value = '';
      for (const e of entry.fields()) {
        if (e.field === 1) key = entry.text(e);
        if (e.field === 2) value = entry.text(e);
      }
      if (key === 'location' && !info.externalData.includes(value)) info.externalData.push(value);
    }
  }
  const w = info.weights.get(dtype) ?? { count: 0, bytes: 0 };
  w.count++;
  w.bytes += bytes;
  info.weights.set(dtype, w);
}

function graphInfo(r: ProtoReader, info: OnnxGraphInfo): void {
  for (const f of r.fields()) {
    if (f.field === 11) info.inputs.push(valueInfo(r.sub(f)));
    else if (f.field === 12) info.outputs.push(valueInfo(r.sub(f)));
    else if (f.field === 5) tensorInfo(r.sub(f), info);
    else if (f.field === 1) {
      const node = r.sub(f);
      for (const n of node.fields()) if (n.field === 4) info.ops.add(node.text(n));
    }
  }
}

/** Parses the bytes of a ModelProto. Throws OnnxTruncatedError on a cut-off or corrupt file. */
export function inspectOnnx(bytes: Uint8Array, file = 'model.onnx'): OnnxGraphInfo {
  const info: OnnxGraphInfo = { irVersion: 0, opsets: [], inputs: [], outputs: [], weights: new Map(), externalData: [], ops: new Set() };
  const r = new ProtoReader(bytes);
  let graph: ProtoField | null = null;
  try {
    for (const f of r.fields()) {
      if (f.field === 1 && f.wireType === 0) info.irVersion = f.value;
      else if (f.field === 7 && f.wireType === 2) graph = f;
      else if (f.field === 8 && f.wireType === 2) {
        const o = r.sub(f);
        const op = { domain: '', version: 0 };
        for (const x of o.fields()) {
          if (x.field === 1) op.domain = o.text(x);
          if (x.field === 2) op.version = x.value;
        }
        info.opsets.push(op);
      }
    }
    if (graph) graphInfo(r.sub(graph), info);
  } catch (e) {
    if (e instanceof ProtoTruncatedError) throw new OnnxTruncatedError(file, bytes.length, e.message);
    throw e;
  }
  if (!graph || info.irVersion === 0) throw new OnnxTruncatedError(file, bytes.length, graph ? 'it has no ir_version' : 'it has no graph');
  return info;
}
