/** A progress bar on a terminal, plain lines otherwise (e.g. in the scheduler's log or a CI run). */
export function progressReporter(
  enabled: boolean,
): ((stage: string, done: number, total: number) => void) & { done(): void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = '';
  let lastPlain = 0;
  const report = (stage: string, done: number, total: number) => {
    if (!enabled) return;
    if (tty) {
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      lastLine = `\r${stage.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
      process.stderr.write(lastLine);
    } else if (done === total || Date.now() - lastPlain > 5000) {
      lastPlain = Date.now();
      process.stderr.write(`${stage}: ${done}/${total}\n`);
    }
  };
  return Object.assign(report, {
    done() {
      if (tty && lastLine) process.stderr.write('\n');
    },
  });
}
