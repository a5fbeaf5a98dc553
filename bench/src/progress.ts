/**
 * One progress line on stderr, rewritten in place on a terminal; on a pipe (CI logs) a line per change of phase,
 * so logs stay short.
 */
export class Progress {
  readonly #tty = Boolean(process.stderr.isTTY);
  readonly #started = performance.now();
  #phase = '';
  #width = 0;

  /** Shows `phase` (printed on its own line in a log) and `detail` (only on a terminal). */
  update(phase: string, detail = ''): void {
    const elapsed = `${((performance.now() - this.#started) / 1000).toFixed(0)}s`;
    if (this.#tty) {
      const text = `[${elapsed}] ${phase}${detail ? `  ${detail}` : ''}`;
      const columns = process.stderr.columns || 120;
      const shown = text.length > columns - 1 ? text.slice(0, columns - 1) : text;
      process.stderr.write(`\r${shown.padEnd(this.#width)}`);
      this.#width = shown.length;
    } else if (phase !== this.#phase) {
      process.stderr.write(`[${elapsed}] ${phase}\n`);
    }
    this.#phase = phase;
  }

  /** Prints a line that stays (above the progress line on a terminal). */
  log(line: string): void {
    if (this.#tty && this.#width > 0) process.stderr.write(`\r${' '.repeat(this.#width)}\r`);
    this.#width = 0;
    process.stderr.write(`${line}\n`);
  }

  done(): void {
    if (this.#tty && this.#width > 0) process.stderr.write(`\r${' '.repeat(this.#width)}\r`);
    this.#width = 0;
  }
}
