// Registers the kernels this package adds to tfjs-backend-wasm.
export function registerWasmKernels(): void {}
