// The backend registry with fake plug-ins. The registry is module-global and test/setup.ts has
// registered and activated the cpu test plug-in, so fakes get names no real backend has, priorities
// above cpu's, init() that only records its calls (tfjs stays on cpu), and are retired after each
// test (re-registered as unavailable, there is no unregister) with cpu reactivated.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCpuBackend } from '../../test/cpu-backend.js';
import {
  type Availability,
  activeBackend,
  BackendError,
  type BackendPlugin,
  backendStatuses,
  listBackends,
  registerBackend,
  useBackend,
} from './registry.js';

interface Fake extends BackendPlugin {
  inits: (Record<string, unknown> | undefined)[];
  /** How many times isAvailable() was asked. */
  probes: number;
}

const fakes = new Set<string>();
let counter = 0;

function fake(
  label: string,
  priority: number,
  availability: Availability | (() => Availability),
  more: Partial<Pick<BackendPlugin, 'describe' | 'init' | 'skipInAuto'>> = {},
): Fake {
  const name = `fake-${++counter}-${label}`;
  const inits: Fake['inits'] = [];
  const plugin: Fake = {
    name,
    priority,
    inits,
    probes: 0,
    isAvailable: async () => {
      plugin.probes++;
      return typeof availability === 'function' ? availability() : availability;
    },
    ...(more.skipInAuto ? { skipInAuto: more.skipInAuto } : {}),
    init: async (options) => {
      inits.push(options);
      await more.init?.(options);
    },
    describe: more.describe ?? (async () => ({ device: `${label} device`, threads: 2 })),
  };
  registerBackend(plugin);
  fakes.add(name);
  return plugin;
}

afterEach(async () => {
  for (const name of fakes) {
    registerBackend({
      name,
      priority: -1,
      isAvailable: async () => ({ available: false, reason: 'retired test plug-in' }),
      init: async () => {},
      describe: async () => ({}),
    });
  }
  fakes.clear();
  registerCpuBackend();
  await useBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

/** The BackendError `promise` rejects with (fails the test when it resolves or throws another kind). */
async function backendError(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe('useBackend("auto")', () => {
  it('picks the highest-priority available backend and initializes it with the options', async () => {
    const low = fake('low', 1000, { available: true });
    const high = fake('high', 1002, { available: true });
    const off = fake('off', 1004, { available: false, reason: 'no such device' });
    expect(await useBackend('auto', { threads: 4 })).toBe(high.name);
    expect(high.inits).toEqual([{ threads: 4 }]);
    expect(low.inits).toEqual([]);
    expect(off.inits).toEqual([]);
    expect(activeBackend()).toBe(high.name);
    expect(await useBackend()).toBe(high.name); // "auto" is the default
  });

  it('passes over an available backend marked notForAuto, which still works when named', async () => {
    const slow = fake('software-gpu', 1010, {
      available: true,
      notForAuto: 'llvmpipe is a software adapter, slower than wasm',
    });
    const fast = fake('fast', 1005, { available: true });
    expect(await useBackend('auto')).toBe(fast.name);
    expect(slow.inits).toEqual([]);
    expect(await useBackend(slow.name)).toBe(slow.name);
    expect(slow.inits).toHaveLength(1);
  });

  it('does not probe a backend whose skipInAuto() gives a reason; naming it probes and uses it', async () => {
    const noisy = fake(
      'noisy',
      1015,
      { available: true },
      { skipInAuto: async () => 'no GPU device here' },
    );
    const asked = fake('asked', 1014, { available: true }, { skipInAuto: async () => undefined });
    expect(await useBackend('auto')).toBe(asked.name);
    expect(noisy.probes).toBe(0);
    expect(noisy.inits).toEqual([]);
    expect(asked.probes).toBe(1);
    expect(await useBackend(noisy.name)).toBe(noisy.name);
    expect(noisy.probes).toBe(1);
    expect(noisy.inits).toHaveLength(1);
  });

  it('a skipInAuto() that throws is no reason to skip: the probe decides', async () => {
    const odd = fake(
      'odd',
      1016,
      { available: true },
      {
        skipInAuto: async () => {
          throw new Error('broken check');
        },
      },
    );
    expect(await useBackend('auto')).toBe(odd.name);
    expect(odd.probes).toBe(1);
  });

  it('with nothing to pick, gives every reason and the fix, and activates nothing', async () => {
    registerBackend({
      name: 'cpu',
      priority: 10,
      isAvailable: async () => ({ available: false, reason: 'cpu disabled for this test' }),
      init: async () => {},
      describe: async () => ({}),
    });
    const slow = fake('passed-over', 1020, { available: true, notForAuto: 'too slow' });
    const skipped = fake(
      'skipped',
      1021,
      { available: true },
      { skipInAuto: async () => 'no GPU' },
    );
    const error = await backendError(useBackend('auto'));
    expect(error.message).toContain(`${skipped.name}: not tried by "auto": no GPU`);
    expect(skipped.probes).toBe(0);
    expect(error.message).toContain('"auto" found no backend to use');
    expect(error.message).toContain('cpu: cpu disabled for this test');
    expect(error.message).toContain(`${slow.name}: works, but "auto" passes it over: too slow`);
    expect(error.message).toContain(`name "${skipped.name}" or "${slow.name}" to use it anyway`);
    expect(slow.inits).toEqual([]);
    expect(activeBackend()).toBe('cpu');
  });
});

describe('useBackend(name)', () => {
  it('activates the named backend even when a better one is available', async () => {
    fake('better', 1030, { available: true });
    const named = fake('named', 1001, { available: true });
    expect(await useBackend(named.name)).toBe(named.name);
    expect(activeBackend()).toBe(named.name);
  });

  it('an unavailable backend is a BackendError with its name and the reason, never a fallback', async () => {
    const node = fake('native', 1040, {
      available: false,
      reason: '@tensorflow/tfjs-node is not installed: npm install @tensorflow/tfjs-node',
    });
    const error = await backendError(useBackend(node.name));
    expect(error.message).toBe(
      `backend "${node.name}" is not available: @tensorflow/tfjs-node is not installed: npm install @tensorflow/tfjs-node`,
    );
    expect(node.inits).toEqual([]);
    expect(activeBackend()).toBe('cpu');
  });

  it.each([
    [
      'an unknown name lists the backends',
      'nonsense',
      [
        'unknown backend "nonsense": Recurrent\'s backends are cpu, wasm, webgpu, node, or "auto" for the best available one;',
        'registered: ',
      ],
    ],
    [
      'a misspelling gets a suggestion',
      'web-gpu',
      ['unknown backend "web-gpu" (did you mean "webgpu"?)'],
    ],
    ['the wrong case gets a suggestion', 'CPU', ['unknown backend "CPU" (did you mean "cpu"?)']],
    [
      'a known backend that is not registered names its package',
      'webgpu',
      [
        'backend "webgpu" is not registered: install @recurrent/backend-webgpu and import it once (`import "@recurrent/backend-webgpu"`)',
        'registered: ',
      ],
    ],
    [
      'node names @recurrent/backend-node',
      'node',
      ['backend "node" is not registered: install @recurrent/backend-node'],
    ],
  ])('%s', async (_what, name, expected) => {
    const error = await backendError(useBackend(name));
    for (const text of expected) expect(error.message).toContain(text);
    expect(error.message).toMatch(/registered: .*\bcpu\b/);
    expect(activeBackend()).toBe('cpu');
  });

  it('an isAvailable() that throws means unavailable, with the error as the reason', async () => {
    const broken = fake('broken-check', 1050, () => {
      throw new Error('dlopen failed: libtensorflow.so');
    });
    const error = await backendError(useBackend(broken.name));
    expect(error.message).toBe(
      `backend "${broken.name}" is not available: its availability check failed: dlopen failed: libtensorflow.so`,
    );
    // and "auto" passes it by like any unavailable backend
    expect(await useBackend('auto')).not.toBe(broken.name);
  });

  it('an init() that fails is a BackendError naming the backend, with the cause kept', async () => {
    const cause = new Error('the .wasm files were not found');
    const failing = fake(
      'failing-init',
      1060,
      { available: true },
      {
        init: async () => {
          throw cause;
        },
      },
    );
    const named = await backendError(useBackend(failing.name));
    expect(named.message).toBe(
      `backend "${failing.name}" is available but failed to start: the .wasm files were not found`,
    );
    expect(named.cause).toBe(cause);
    const auto = await backendError(useBackend('auto'));
    expect(auto.message).toContain(`backend "${failing.name}" (picked by "auto") is available`);
    expect(activeBackend()).toBe('cpu');
  });
});

describe('backendStatuses()', () => {
  it('lists every backend best first with availability, reason, note, description and the auto pick', async () => {
    const a = fake('a', 1103, { available: false, reason: 'needs a GPU: install the driver' });
    const b = fake('b', 1102, { available: true, notForAuto: 'software adapter' });
    const c = fake('c', 1101, { available: true });
    const statuses = await backendStatuses();
    expect(statuses.map((s) => s.name)).toEqual(listBackends().map((p) => p.name));
    const priorities = statuses.map((s) => s.priority);
    expect(priorities).toEqual([...priorities].sort((x, y) => y - x));
    const ours = statuses.filter((s) => [a.name, b.name, c.name].includes(s.name));
    expect(ours).toEqual([
      {
        name: a.name,
        priority: 1103,
        available: false,
        reason: 'needs a GPU: install the driver',
      },
      {
        name: b.name,
        priority: 1102,
        available: true,
        notForAuto: 'software adapter',
        description: { device: 'b device', threads: 2 },
      },
      {
        name: c.name,
        priority: 1101,
        available: true,
        description: { device: 'c device', threads: 2 },
        auto: true,
      },
    ]);
    // exactly one is marked, and it is the one "auto" activates; listing initializes nothing
    expect(statuses.filter((s) => s.auto)).toHaveLength(1);
    expect(a.inits.length + b.inits.length + c.inits.length).toBe(0);
    expect(await useBackend('auto')).toBe(c.name);
  });

  it('still probes a backend "auto" skips, and shows the skip reason as its notForAuto', async () => {
    const skipped = fake(
      'skipped',
      1111,
      { available: true },
      { skipInAuto: async () => 'no GPU' },
    );
    const software = fake(
      'software',
      1110,
      { available: true, notForAuto: 'software adapter' },
      { skipInAuto: async () => 'no GPU' },
    );
    const next = fake('next', 1109, { available: true });
    const statuses = await backendStatuses();
    const ours = statuses.filter((s) => [skipped.name, software.name, next.name].includes(s.name));
    expect(
      ours.map(({ name, available, notForAuto, auto }) => ({ name, available, notForAuto, auto })),
    ).toEqual([
      { name: skipped.name, available: true, notForAuto: 'no GPU', auto: undefined },
      // what the probe found says more than the cheap check
      { name: software.name, available: true, notForAuto: 'software adapter', auto: undefined },
      { name: next.name, available: true, notForAuto: undefined, auto: true },
    ]);
    expect(skipped.probes).toBe(1);
    expect(await useBackend('auto')).toBe(next.name);
  });

  it('includes the cpu backend registered by the test setup', async () => {
    const cpu = (await backendStatuses()).find((s) => s.name === 'cpu');
    expect(cpu).toMatchObject({ name: 'cpu', priority: 10, available: true, auto: true });
    expect(cpu?.description).toMatchObject({ device: 'CPU (JavaScript)' });
  });

  it('a describe() that throws is reported on its backend and does not break the others', async () => {
    const broken = fake(
      'broken-describe',
      1201,
      { available: true },
      {
        describe: async () => {
          throw new Error('no adapter info');
        },
      },
    );
    const fine = fake('fine', 1200, { available: true });
    const statuses = await backendStatuses();
    expect(statuses.find((s) => s.name === broken.name)).toEqual({
      name: broken.name,
      priority: 1201,
      available: true,
      describeError: 'no adapter info',
      auto: true,
    });
    expect(statuses.find((s) => s.name === fine.name)?.description).toEqual({
      device: 'fine device',
      threads: 2,
    });
  });

  it('an isAvailable() that throws shows as unavailable with the reason', async () => {
    const broken = fake('throws', 1300, () => {
      throw new Error('cannot load the addon');
    });
    expect((await backendStatuses()).find((s) => s.name === broken.name)).toEqual({
      name: broken.name,
      priority: 1300,
      available: false,
      reason: 'its availability check failed: cannot load the addon',
    });
  });
});
