/** `--help` / `-h` anywhere before a `--` terminator. */
export const wantsHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
};

/** Prints the usage and exits 0, when asked for. */
export const helpIfAsked = (argv: readonly string[], usage: string): void => {
  if (!wantsHelp(argv)) return;
  console.log(usage.trim());
  process.exit(0);
};
