// Builds ONNX ModelProto bytes node by node (util/protobuf's writer): initializers, nodes with
// attributes, typed inputs and outputs with symbolic dims. Field numbers are onnx.proto3's.
import { ProtoWriter } from '../../util/protobuf';

/** TensorProto.DataType values the decoder uses (and the reader checks for). */
export const ONNX_DTYPE = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT4: 21, INT4: 22, BFLOAT16: 16 } as const;

export type Dim = number | string;
export type AttrValue = number | number[] | string | { float: number };

export class GraphBuilder {
  private readonly nodes: ProtoWriter[] = [];
  private readonly initializers: ProtoWriter[] = [];
  private readonly inputs: ProtoWriter[] = [];
  private readonly outputs: ProtoWriter[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, dtype: number, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, dims));
    return name;
  }

  output(name: string, dtype: number, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, dtype, dims));
  }

  floats(name: string, dims: number[], data: Float32Array): string {
    const t = tensorHeader(name, ONNX_DTYPE.FLOAT, dims);
    t.raw(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
    this.initializers.push(t);
    return name;
  }

  ints(name: string, dims: number[], data: number[]): string {
    const bytes = new Uint8Array(data.length * 8);
    const view = new DataView(bytes.buffer);
    data.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push(tensorHeader(name, ONNX_DTYPE.INT64, dims).raw(9, bytes));
    return name;
  }

  /** A node; returns its outputs' names (fresh unless given). */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs: string[] | number = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase())) : outputs;
    const n = new ProtoWriter();
    for (const i of inputs) n.string(1, i);
    for (const o of outs) n.string(2, o);
    n.string(3, this.fresh(`n_${op}`)).string(4, op);
    for (const [key, v] of Object.entries(attrs)) n.message(5, attribute(key, v));
    this.nodes.push(n);
    return outs;
  }

  /** One-output shorthand. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.node(op, inputs, attrs, output ? [output] : 1)[0];
  }

  /** The ModelProto bytes (IR version 8, default-domain opset `opset`). */
  model(opset: number, producer = 'persona-lab'): Uint8Array<ArrayBuffer> {
    const g = new ProtoWriter();
    for (const n of this.nodes) g.message(1, n);
    g.string(2, this.name);
    for (const t of this.initializers) g.message(5, t);
    for (const i of this.inputs) g.message(11, i);
    for (const o of this.outputs) g.message(12, o);
    return new ProtoWriter()
      .int(1, 8)
      .string(2, producer)
      .message(7, g)
      .message(8, new ProtoWriter().string(1, '').int(2, opset))
      .finish();
  }
}

function tensorHeader(name: string, dtype: number, dims: number[]): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  return t.int(2, dtype).string(8, name);
}

function valueInfo(name: string, dtype: number, dims: Dim[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, dtype).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

// AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, INTS 7).
function attribute(name: string, v: AttrValue): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof v === 'number') return a.int(3, v).int(20, 2);
  if (typeof v === 'string') return a.string(4, v).int(20, 3);
  if (Array.isArray(v)) {
    for (const x of v) a.int(8, x);
    return a.int(20, 7);
  }
  return a.float(2, v.float).int(20, 1);
}
