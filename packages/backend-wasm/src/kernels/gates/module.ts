// Our own WebAssembly SIMD module for the recurrent kernels' cell arithmetic (assembly/gates.ts,
// built by scripts/build-gates.mjs), instantiated over tfjs-backend-wasm's own memory so that it
// works in place on tensor data: arguments are byte offsets into that memory. The kernels fall
// back to the JavaScript loops where the module cannot run (no WebAssembly SIMD in the engine).
import { gatesWasm, gatesWasmShared } from './gates-wasm.generated.js';

/** The module's exports (assembly/gates.ts documents each); pointers are byte offsets, 0 = none. */
export interface GateKernels {
  lstmForward(
    xw: number,
    hh: number,
    mask: number,
    hLast: number,
    cLast: number,
    gates: number,
    extra: number,
    output: number,
    B: number,
    H: number,
  ): void;
  gruForward(
    xw: number,
    hh: number,
    bhh: number,
    mask: number,
    hLast: number,
    gates: number,
    extra: number,
    output: number,
    B: number,
    H: number,
  ): void;
  rnnForward(
    xw: number,
    hh: number,
    mask: number,
    hLast: number,
    gates: number,
    extra: number,
    output: number,
    B: number,
    H: number,
    relu: number,
  ): void;
  lstmBackward(
    gates: number,
    extra: number,
    cPrev: number,
    dOut: number,
    mask: number,
    dh: number,
    dc: number,
    dGates: number,
    B: number,
    H: number,
  ): void;
  gruBackward(
    gates: number,
    extra: number,
    hPrev: number,
    dOut: number,
    mask: number,
    dh: number,
    dGatesX: number,
    dGatesH: number,
    B: number,
    H: number,
  ): void;
  rnnBackward(
    extra: number,
    dOut: number,
    mask: number,
    dh: number,
    dGates: number,
    B: number,
    H: number,
    relu: number,
  ): void;
  addFlushed(dh: number, dr: number, n: number): void;
  columnSums(d: number, rows: number, cols: number, out: number): void;
  addRowsAt(ids: number, src: number, count: number, width: number, out: number): void;
  copyRowsFrom(ids: number, src: number, count: number, width: number, out: number): void;
  adamUpdate(
    param: number,
    grad: number,
    mPrev: number,
    vPrev: number,
    vMaxPrev: number,
    pOut: number,
    mOut: number,
    vOut: number,
    vMaxOut: number,
    n: number,
    beta1: number,
    beta2: number,
    oneMinusBeta1: number,
    oneMinusBeta2: number,
    eps: number,
    stepSize: number,
    correction2: number,
    l2: number,
    decay: number,
    decoupled: number,
    amsgrad: number,
  ): void;
  transpose(from: number, to: number, rows: number, cols: number): void;
  softmaxRows(
    z: number,
    rows: number,
    cols: number,
    probs: number,
    maxes: number,
    sums: number,
  ): void;
  softmaxCrossEntropyGrad(
    probs: number,
    targets: number,
    rowScale: number,
    rows: number,
    cols: number,
    out: number,
  ): void;
}

type Variant = 'plain' | 'shared';
const sources: Record<Variant, string> = { plain: gatesWasm, shared: gatesWasmShared };
/** Compiled modules; null where compiling failed (prepareGateKernels tries again, asynchronously). */
const compiled: Partial<Record<Variant, WebAssembly.Module | null>> = {};
const instances = new WeakMap<WebAssembly.Memory, GateKernels>();
let enabled = true;

const decode = (base64: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** The variant that can import `memory`: tfjs-backend-wasm's threaded build has a shared one. */
export function variantFor(memory: WebAssembly.Memory): Variant {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
    ? 'shared'
    : 'plain';
}

function compileSync(variant: Variant): WebAssembly.Module | null {
  if (compiled[variant] === undefined) {
    try {
      compiled[variant] = new WebAssembly.Module(decode(sources[variant]));
    } catch {
      // No SIMD in this engine, or (a browser's main thread) a synchronous compile of this size
      // is refused: prepareGateKernels() compiles asynchronously when the backend initializes.
      compiled[variant] = null;
    }
  }
  return compiled[variant] ?? null;
}

/**
 * Compiles both variants asynchronously (browsers refuse synchronous compiles of more than 4 KB on
 * the main thread); called when the backend initializes. Never rejects: without SIMD the kernels
 * keep their JavaScript loops.
 */
export async function prepareGateKernels(): Promise<void> {
  await Promise.all(
    (Object.keys(sources) as Variant[]).map(async (variant) => {
      if (compiled[variant]) return;
      try {
        compiled[variant] = await WebAssembly.compile(decode(sources[variant]));
      } catch {
        compiled[variant] = null;
      }
    }),
  );
}

/** The module instantiated over `memory`, or undefined where it cannot run (or is disabled). */
export function gateKernels(memory: WebAssembly.Memory): GateKernels | undefined {
  if (!enabled) return undefined;
  const found = instances.get(memory);
  if (found) return found;
  const module = compileSync(variantFor(memory));
  if (!module) return undefined;
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown;
  instances.set(memory, kernels as GateKernels);
  return kernels as GateKernels;
}

/** Turns the module off (the JavaScript loops run) or on again: for tests and comparisons. */
export function setGateKernelsEnabled(on: boolean): void {
  enabled = on;
}
