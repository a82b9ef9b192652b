// Writes the bytes of a one-node ONNX model, C = MatMul(A, B), so benchmarks can run the same
// product on onnxruntime-web without downloading anything, with util/protobuf's writer: only the
// fields ONNX needs here (ModelProto -> GraphProto -> NodeProto, ValueInfoProto).
import { ProtoWriter as Proto } from '../util/protobuf';

/** ONNX TensorProto.DataType FLOAT. */
const ONNX_FLOAT = 1;

function valueInfo(name: string, dims: number[]): Proto {
  const shape = new Proto();
  for (const d of dims) shape.message(1, new Proto().int(1, d)); // TensorShapeProto.dim.dim_value
  const tensorType = new Proto().int(1, ONNX_FLOAT).message(2, shape); // TypeProto.Tensor
  return new Proto().string(1, name).message(2, new Proto().message(1, tensorType)); // ValueInfoProto
}

/**
 * A model with inputs A [..., M, K] and B [..., K, N] and output C [..., M, N] (numpy-style
 * broadcasting of the leading dims, as ONNX MatMul defines it). Opset 13.
 */
export function onnxMatmulModel(aDims: number[], bDims: number[]): Uint8Array {
  const m = aDims[aDims.length - 2];
  const k = aDims[aDims.length - 1];
  const n = bDims[bDims.length - 1];
  if (bDims[bDims.length - 2] !== k) throw new RangeError(`MatMul: A [${aDims}] and B [${bDims}] do not chain`);
  const lead = aDims.length >= bDims.length ? aDims.slice(0, -2) : bDims.slice(0, -2);
  const node = new Proto().string(1, 'A').string(1, 'B').string(2, 'C').string(3, 'matmul').string(4, 'MatMul');
  const graph = new Proto()
    .message(1, node)
    .string(2, 'persona-lab-matmul-bench')
    .message(11, valueInfo('A', aDims))
    .message(11, valueInfo('B', bDims))
    .message(12, valueInfo('C', [...lead, m, n]));
  return new Proto()
    .int(1, 8) // ir_version
    .string(2, 'persona-lab')
    .message(7, graph)
    .message(8, new Proto().string(1, '').int(2, 13)) // opset_import
    .finish();
}
