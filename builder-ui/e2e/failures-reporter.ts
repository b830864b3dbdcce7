import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Repeats each failure's error, briefly, after everything else: CI keeps only the end of the
 * output, where the list reporter has put attachments and paths but no longer the reason.
 */
export default class FailuresReporter implements Reporter {
  private failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    if (test.outcome() !== 'unexpected' || result.retry < test.retries) return;
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
    this.failures.push(`  ✘ ${title} (${result.status}, ${(result.duration / 1000).toFixed(1)} s)\n${text}`);
  }

  onEnd(result: FullResult) {
    if (this.failures.length === 0) return;
    console.log(`\nFailures (${this.failures.length}), run ${result.status}:\n${this.failures.join('\n\n')}\n`);
  }

  printsToStdio() {
    return true;
  }
}
