// `recurrent parity <dir> [--backend name|auto] [--skip-unsupported]`: runs PyTorch parity cases;
// exit 1 if any fails (or, with --skip-unsupported, if none could run).
import { findParityCases as findCases, runParityCase as runCase } from '@recurrent/core/node';
import type { Command } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';

interface ParityOptions extends BackendOptions {
  skipUnsupported?: boolean;
}

export function registerParity(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('parity')
    .description('check the layers against PyTorch reference fixtures (one folder per case)')
    .argument('<dir>', 'a folder of cases, or one case folder')
    .addOption(backendOption())
    .option(
      '--skip-unsupported',
      'report cases of a kind this version cannot run yet (from a newer fixture set) as SKIP instead of FAIL',
    )
    .action(async (dir: string, options: ParityOptions) => {
      const backend = await startBackend(options.backend);
      const cases = await findCases(dir);
      if (cases.length === 0) {
        io.stderr(`no parity cases (folders with case.json) in ${dir}\n`);
        setExit(ExitCode.failed);
        return;
      }
      io.stdout(`backend: ${backend.label}\nparity: ${cases.length} cases from ${dir}\n`);
      let passed = 0;
      const skipped: string[] = [];
      const unsupportedFailures: string[] = [];
      for (const folder of cases) {
        const report = await runCase(folder, backend.name);
        const skip = report.unsupported !== undefined && options.skipUnsupported === true;
        if (report.ok) passed++;
        else if (skip) skipped.push(report.name);
        else if (report.unsupported) unsupportedFailures.push(report.name);
        const worst = report.worst
          ? `worst ${report.worst.maxError.toExponential(1)} at ${report.worst.name} (${(report.worst.worstRatio * 100).toFixed(1)}% of tolerance)`
          : '';
        const verdict = report.ok ? 'PASS' : skip ? 'SKIP' : 'FAIL';
        io.stdout(
          `${verdict}  ${report.name.padEnd(24)} ${report.kind.padEnd(22)} ${worst}  ${report.seconds.toFixed(2)}s\n`,
        );
        for (const failure of report.failures) io.stdout(`      ${failure}\n`);
      }
      const failed = cases.length - passed - skipped.length;
      const skippedText = skipped.length
        ? `, ${skipped.length} skipped (a kind this version cannot run yet: ${skipped.join(', ')})`
        : '';
      io.stdout(`${passed} passed, ${failed} failed${skippedText}\n`);
      if (unsupportedFailures.length > 0) {
        io.stdout(
          `(${unsupportedFailures.join(', ')}: a kind this version cannot run yet; --skip-unsupported reports such cases as skipped)\n`,
        );
      }
      if (passed === 0 && failed === 0) io.stdout('nothing was checked: every case was skipped\n');
      setExit(failed === 0 && passed > 0 ? ExitCode.ok : ExitCode.failed);
    });
}
