// One training step on WebGPU in the browser (SwiftShader under --enable-unsafe-webgpu where there
// is no GPU), checked against the same step on WASM: same spec, seed and batch (pages/webgpu-step.ts).
import { describe, expect, it } from 'vitest';
import { useBrowser } from './browser.ts';
import type { StepResult } from './pages/webgpu-step.ts';

const session = useBrowser({ webgpu: true });

/** float32 agreement between two backends after one step: absolute plus relative slack. */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 + 1e-5 * Math.abs(b);

describe('a training step on WebGPU', () => {
  it('gives the loss and the weights of the same step on WASM', async () => {
    const { page } = await session.open('/e2e/pages/webgpu-step.html');
    await page.waitForFunction(() => 'stepResult' in window, undefined, { timeout: 90_000 });
    const result = (await page.evaluate(
      () => (window as unknown as { stepResult: unknown }).stepResult,
    )) as {
      wasm: StepResult;
      webgpu: StepResult;
      error?: string;
    };
    expect(result.error).toBeUndefined();
    const { wasm, webgpu } = result;
    // The page really ran on a WebGPU adapter (SwiftShader here), not on a fallback.
    expect(String(webgpu.device)).toMatch(/WebGPU/);
    expect(String(wasm.device)).toMatch(/WebAssembly/);
    // Two labels, 12 sentences: the first loss is near ln 2, and the step lowered it on both.
    expect(wasm.lossBefore).toBeGreaterThan(0.5);
    expect(wasm.lossBefore).toBeLessThan(0.9);
    expect(wasm.lossAfter).toBeLessThan(wasm.lossBefore);
    expect(
      close(webgpu.lossBefore, wasm.lossBefore),
      `${webgpu.lossBefore} vs ${wasm.lossBefore}`,
    ).toBe(true);
    expect(
      close(webgpu.lossAfter, wasm.lossAfter),
      `${webgpu.lossAfter} vs ${wasm.lossAfter}`,
    ).toBe(true);
    let largest = 0;
    for (const [name, expected] of Object.entries(wasm.weights)) {
      for (let i = 0; i < expected.length; i++) {
        largest = Math.max(
          largest,
          Math.abs((webgpu.weights[name]?.[i] ?? Number.NaN) - (expected[i] as number)),
        );
      }
    }
    console.log(
      `webgpu (${webgpu.device}) vs wasm: loss ${webgpu.lossBefore} vs ${wasm.lossBefore}, after the step ${webgpu.lossAfter} vs ${wasm.lossAfter}; largest weight difference ${largest.toExponential(2)}`,
    );
    expect(Object.keys(webgpu.weights).sort()).toEqual(Object.keys(wasm.weights).sort());
    for (const [name, expected] of Object.entries(wasm.weights)) {
      const actual = webgpu.weights[name] as number[];
      expect(actual.length, name).toBe(expected.length);
      const worst = expected.reduce(
        (w, x, i) =>
          close(actual[i] as number, x) ? w : Math.max(w, Math.abs((actual[i] as number) - x)),
        0,
      );
      expect(worst, `${name}: largest difference beyond float32 tolerance`).toBe(0);
    }
  });
});
