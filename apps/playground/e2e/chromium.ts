// Where the end-to-end tests find Chromium, and whether they may run without it. Debian's
// `chromium` package (installed by .ci/run) is driven by playwright-core: no browser download.
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the e2e tests are skipped, or undefined when they run. Only a developer machine without
 * Chromium skips them: under CI (CI set) a missing Chromium is a failure (see global-setup.ts).
 */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(chromiumPath) || inCi()) return undefined;
  return `${chromiumPath} not found (install Debian's chromium: apt-get install chromium, or set CHROMIUM_PATH); CI is not set, so the tests are skipped rather than failed`;
}

/** CI set to anything but "", "0" or "false" (.ci/run sets CI=true). */
function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && !['', '0', 'false'].includes(ci.toLowerCase());
}

/** Throws, naming the fix, when Chromium is absent: called where the tests must run. */
export function requireChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `playground e2e: ${chromiumPath} not found and CI is set, so the tests cannot be skipped: install Debian's chromium (.ci/run lists it in APT_PACKAGES) or set CHROMIUM_PATH`,
    );
  }
}
