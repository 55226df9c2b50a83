import type { Command } from 'commander';

/**
 * An old spelling kept for one release (it goes in 0.2.0, docs/cli.md): hidden from help, and
 * naming the new command on stderr, so scripts keep working while their authors learn the new one.
 */
export const deprecated = (command: Command, replacement: string): Command =>
  command.hook('preAction', () => {
    process.stderr.write(`marketops: deprecated spelling; use marketops ${replacement}\n`);
  });

/** The hidden `runs` command the old `runs list` and `runs show` hang under. */
export function oldRunsCommand(program: Command): Command {
  const found = program.commands.find((command) => command.name() === 'runs');
  return (
    found ??
    program.command('runs', { hidden: true }).description('Deprecated: see execution list and run show.')
  );
}
