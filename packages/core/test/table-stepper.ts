// Hand-made language models for decoding tests, in plain JS: the next-token logits are a function
// of the whole prefix (prompt and output). The stepper counts its calls and checks that every
// state it hands out is used only while alive and released exactly once.
import type { DecodeStepper, StepScores } from '../src/decode/contract.js';
import { Random } from '../src/init/random.js';

/**
 * What a row has read (prompt and output), as a linked list so that a step does not copy it:
 * decoding thousands of tokens stays linear.
 */
export class Prefix {
  private constructor(
    readonly last: number,
    readonly length: number,
    readonly previous: Prefix | undefined,
  ) {}

  static of(tokens: readonly number[]): Prefix {
    let prefix: Prefix | undefined;
    for (const token of tokens) prefix = new Prefix(token, (prefix?.length ?? 0) + 1, prefix);
    if (prefix === undefined) throw new Error('a prefix needs a token');
    return prefix;
  }

  extend(token: number): Prefix {
    return new Prefix(token, this.length + 1, this);
  }

  tokens(): number[] {
    const out = new Array<number>(this.length);
    let at: Prefix | undefined = this;
    for (let i = this.length - 1; at !== undefined; i--, at = at.previous) out[i] = at.last;
    return out;
  }
}

/** A state: the prefix each row has read. */
export interface TableState {
  readonly rows: readonly Prefix[];
  readonly id: number;
}

export type NextLogits = (prefix: Prefix) => ArrayLike<number>;

export class TableStepper implements DecodeStepper<TableState> {
  prefills = 0;
  steps = 0;
  selects = 0;
  /** Tokens read by every call: the prompt once, then one per row per step. */
  tokensRead = 0;
  /** Rows of each step call, in order. */
  readonly stepRows: number[] = [];
  /** Rows picked by each select call, in order. */
  readonly selections: number[][] = [];
  /** Called before each step (e.g. to abort after some steps). */
  onStep: ((steps: number) => void) | undefined;
  /** Throws from this step call (1-based), to test release on failure. */
  failAtStep: number | undefined;
  readonly #live = new Set<TableState>();
  #made = 0;
  released = 0;

  constructor(
    readonly vocabularySize: number,
    readonly next: NextLogits,
  ) {}

  /** States handed out and not released yet. */
  get live(): number {
    return this.#live.size;
  }

  get made(): number {
    return this.#made;
  }

  #make(rows: Prefix[]): TableState {
    const state = { rows, id: this.#made++ };
    this.#live.add(state);
    return state;
  }

  #check(state: TableState, what: string): void {
    if (!this.#live.has(state)) throw new Error(`${what}: state ${state.id} is not alive`);
  }

  #scores(rows: Prefix[]): StepScores<TableState> {
    const logits = new Float32Array(rows.length * this.vocabularySize);
    rows.forEach((prefix, row) => {
      const values = this.next(prefix);
      if (values.length !== this.vocabularySize) throw new Error('table row of the wrong size');
      logits.set(Array.from(values), row * this.vocabularySize);
    });
    return { logits, state: this.#make(rows) };
  }

  async prefill(prompt: Int32Array): Promise<StepScores<TableState>> {
    this.prefills++;
    this.tokensRead += prompt.length;
    return this.#scores([Prefix.of(Array.from(prompt))]);
  }

  async step(tokens: Int32Array, state: TableState): Promise<StepScores<TableState>> {
    this.#check(state, 'step');
    if (tokens.length !== state.rows.length) {
      throw new Error(`step: ${tokens.length} tokens for ${state.rows.length} rows`);
    }
    this.steps++;
    this.onStep?.(this.steps);
    if (this.failAtStep === this.steps) throw new Error(`step ${this.steps} fails (test)`);
    this.stepRows.push(tokens.length);
    this.tokensRead += tokens.length;
    return this.#scores(state.rows.map((prefix, row) => prefix.extend(tokens[row] as number)));
  }

  select(state: TableState, rows: Int32Array): TableState {
    this.#check(state, 'select');
    this.selects++;
    this.selections.push(Array.from(rows));
    return this.#make(Array.from(rows, (row) => state.rows[row] as Prefix));
  }

  release(state: TableState): void {
    this.#check(state, 'release');
    this.#live.delete(state);
    this.released++;
  }
}

/** Logits that depend on the whole prefix: seeded normals (scale `spread`) from a hash of it. */
export function prefixLogits(vocabularySize: number, seed: number, spread = 1.5): NextLogits {
  return (prefix) => {
    let hash = 2166136261 ^ seed;
    for (const token of prefix.tokens()) hash = Math.imul(hash ^ (token + 1), 16777619) >>> 0;
    const random = new Random(hash);
    return Array.from({ length: vocabularySize }, () => spread * random.normal());
  };
}

/** The same logits after every prefix (a unigram model). */
export function fixedLogits(logits: readonly number[]): NextLogits {
  return () => logits;
}

/**
 * A model that says `script` after `promptLength` prompt tokens: the scripted token gets logit 5,
 * every other 0 (after the script ends, token 0 is scripted).
 */
export function scriptedLogits(
  vocabularySize: number,
  promptLength: number,
  script: readonly number[],
): NextLogits {
  return (prefix) => {
    const logits = new Array<number>(vocabularySize).fill(0);
    logits[script[prefix.length - promptLength] ?? 0] = 5;
    return logits;
  };
}
