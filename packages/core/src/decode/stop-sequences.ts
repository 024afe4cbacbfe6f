// Stop sequences over generated tokens: whether the output now ends with one, and how many of its
// last tokens could still turn out to begin one (a stream holds those back until it knows).

/** Do `tokens` end with the first `length` tokens of `sequence`? */
function endsWith(tokens: readonly number[], sequence: readonly number[], length: number): boolean {
  if (length > tokens.length) return false;
  const start = tokens.length - length;
  for (let i = 0; i < length; i++) {
    if (tokens[start + i] !== sequence[i]) return false;
  }
  return true;
}

export class StopSequences {
  readonly #sequences: readonly (readonly number[])[];

  constructor(sequences: readonly (readonly number[])[]) {
    this.#sequences = sequences;
  }

  /** The length of the longest stop sequence (0 without any): how far back a check looks. */
  get longest(): number {
    return this.#sequences.reduce((most, sequence) => Math.max(most, sequence.length), 0);
  }

  /**
   * The length of the stop sequence `tokens` ends with, 0 if none. When several end there (one a
   * suffix of another), the longest: everything from the earliest start is left out of the output.
   */
  completed(tokens: readonly number[]): number {
    let longest = 0;
    for (const sequence of this.#sequences) {
      if (sequence.length > longest && endsWith(tokens, sequence, sequence.length)) {
        longest = sequence.length;
      }
    }
    return longest;
  }

  /**
   * How many of the last tokens form the start (a proper prefix) of some stop sequence, so may yet
   * be cut: only those can belong to a stop sequence completed later; every earlier token is final.
   */
  undecided(tokens: readonly number[]): number {
    let longest = 0;
    for (const sequence of this.#sequences) {
      for (let length = Math.min(sequence.length - 1, tokens.length); length > longest; length--) {
        if (endsWith(tokens, sequence, length)) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
