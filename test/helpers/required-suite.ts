/**
 * Suites that need something the machine may lack (Chromium for the browser e2e tests, a WebGPU adapter
 * for the GPU-kernel tests). Locally they skip with a visible notice; in CI (`ISOTHERM_CI=1`, set by
 * .ci/run) they must run, so a missing prerequisite fails the suite instead of skipping it quietly.
 */
export const IN_CI = process.env.ISOTHERM_CI === '1';

/**
 * `reason` (a skip reason, or false when the suite can run) as the `skip` option of a describe/test:
 * in CI a reason throws, failing the test file with it; locally it is printed to stderr and returned.
 */
export function requiredSuite(suite: string, reason: string | false): string | false {
  if (reason === false) return false;
  if (IN_CI) throw new Error(`${suite} must run in CI (ISOTHERM_CI=1) but cannot: ${reason}`);
  process.stderr.write(`# NOTICE: ${suite} SKIPPED: ${reason}\n`);
  return reason;
}
