// `recurrent parity <dir> [--backend name|auto]`: runs PyTorch parity cases; exit 1 if any fails.
import { findParityCases as findCases, runParityCase as runCase } from '@recurrent/core/node';
import type { Command } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';

export function registerParity(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command('parity')
    .description('check the layers against PyTorch reference fixtures (one folder per case)')
    .argument('<dir>', 'a folder of cases, or one case folder')
    .addOption(backendOption())
    .action(async (dir: string, options: BackendOptions) => {
      const backend = await startBackend(options.backend);
      const cases = await findCases(dir);
      if (cases.length === 0) {
        io.stderr(`no parity cases (folders with case.json) in ${dir}\n`);
        setExit(ExitCode.failed);
        return;
      }
      io.stdout(`backend: ${backend.label}\nparity: ${cases.length} cases from ${dir}\n`);
      let passed = 0;
      for (const folder of cases) {
        const report = await runCase(folder, backend.name);
        if (report.ok) passed++;
        const worst = report.worst
          ? `worst ${report.worst.maxError.toExponential(1)} at ${report.worst.name} (${(report.worst.worstRatio * 100).toFixed(1)}% of tolerance)`
          : '';
        io.stdout(
          `${report.ok ? 'PASS' : 'FAIL'}  ${report.name.padEnd(24)} ${report.kind.padEnd(22)} ${worst}  ${report.seconds.toFixed(2)}s\n`,
        );
        for (const failure of report.failures) io.stdout(`      ${failure}\n`);
      }
      io.stdout(`${passed} passed, ${cases.length - passed} failed\n`);
      setExit(passed === cases.length ? ExitCode.ok : ExitCode.failed);
    });
}
