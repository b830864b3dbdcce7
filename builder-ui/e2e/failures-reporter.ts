import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Repeats each failure's error, briefly, after everything else: CI keeps only the end of the
 * output, where the list reporter has put attachments and paths but no longer the reason. A test
 * that failed and then passed on its retry (flaky) is listed too, with its first error: a flake
 * is a defect to fix, not to forget.
 */
export default class FailuresReporter implements Reporter {
  private failures: string[] = [];
  private pending = new Map<string, string>(); // test id -> its first failed attempt, retries left

  onTestEnd(test: TestCase, result: TestResult) {
    // A failed attempt is told once it is known whether a retry saved it (flaky) or not.
    if (result.status === 'passed' || result.status === 'skipped') {
      if (result.retry > 0 && this.pending.has(test.id))
        this.failures.push(`  ~ flaky, passed on retry ${result.retry}:\n${this.pending.get(test.id)}`);
      this.pending.delete(test.id);
      return;
    }
    const title = test.titlePath().filter(Boolean).join(' › ');
    const errors = result.errors.length > 0 ? result.errors : [{ message: result.status }];
    const text = errors
      .map((e) => {
        const at = e.location ? `at ${e.location.file.split('/').pop()}:${e.location.line}: ` : '';
        // eslint-disable-next-line no-control-regex -- the errors are coloured for a terminal
        return at + (e.message ?? e.value ?? 'no message').replace(/\u001b\[[0-9;]*m/g, '');
      })
      .join('\n')
      .split('\n')
      .slice(0, 14)
      .map((l) => `    ${l}`)
      .join('\n');
    const told = `  ✘ ${title} (${result.status}, ${(result.duration / 1000).toFixed(1)} s)\n${text}`;
    if (result.retry < test.retries) {
      if (!this.pending.has(test.id)) this.pending.set(test.id, told);
      return;
    }
    this.pending.delete(test.id);
    this.failures.push(told);
  }

  onEnd(result: FullResult) {
    if (this.failures.length === 0) return;
    console.log(`\nFailed or flaky (${this.failures.length}), run ${result.status}:\n${this.failures.join('\n\n')}\n`);
  }

  printsToStdio() {
    return true;
  }
}
