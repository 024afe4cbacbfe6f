// The wasm backend with its three binaries as URLs Vite serves (the package's README recipe):
// bundled, tfjs-backend-wasm cannot find its .wasm files by itself. Imported only when the wasm
// backend is chosen, so neither the package nor the binaries load otherwise.
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export { wasmBackend } from '@recurrent/backend-wasm';

export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
};
