/**
 * A progress bar on stderr: redrawn in place on a terminal, and on anything
 * else (CI logs, pipes) one line per tenth, so a log does not fill with frames.
 */
export interface Progress {
  /** Starts a phase of `total` steps. */
  phase(label: string, total: number): void;
  step(): void;
  /** Ends the current phase's line. */
  done(): void;
}

const WIDTH = 30;

export function progressBar(write: (text: string) => void, tty: boolean): Progress {
  let label = '';
  let total = 1;
  let count = 0;
  let shownTenth = -1;
  let ended = true;
  const line = () => {
    const filled = Math.round((count / total) * WIDTH);
    const pct = Math.floor((count / total) * 100);
    return `${label.padEnd(24)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(pct).padStart(3)}% ${count}/${total}`;
  };
  const draw = () => {
    if (tty) return write(`\r${line()}`);
    const tenth = Math.floor((count / total) * 10);
    if (tenth !== shownTenth) {
      shownTenth = tenth;
      write(`${line()}\n`);
    }
  };
  return {
    phase(l, t) {
      if (!ended) this.done();
      label = l;
      total = Math.max(1, t);
      count = 0;
      shownTenth = -1;
      ended = false;
      draw();
    },
    step() {
      count = Math.min(total, count + 1);
      draw();
    },
    done() {
      if (ended) return;
      ended = true;
      if (tty) write('\n');
      else if (shownTenth !== 10) write(`${line()}\n`);
    },
  };
}
