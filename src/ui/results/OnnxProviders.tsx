// Under a run's backends in Results: the onnxruntime-web execution provider its ONNX arms ran on,
// and, when a WebGPU EP could not start and the model ran on WASM instead, why (from the record).
import { backendsOf, onnxRanOn, type RunRecord } from '../../protocol/record';

export function OnnxProviders({ r }: { r: Pick<RunRecord, 'backend' | 'backends'> }) {
  const seen = new Set<string>();
  const infos = backendsOf(r).flatMap((b) => (b.onnx ? [b.onnx] : [])).filter((o) => !seen.has(JSON.stringify(o)) && seen.add(JSON.stringify(o)));
  if (infos.length === 0) return null;
  return (
    <>
      {infos.map((o, i) => (
        <div key={i} className="muted" data-testid="run-onnx-ep">
          {onnxRanOn(o)}
          {o.fallback && <div>{o.fallback}</div>}
        </div>
      ))}
    </>
  );
}
