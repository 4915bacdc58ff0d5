/** The non-empty, trimmed items of a comma-separated setting (`a, b,,c` -> `['a', 'b', 'c']`). */
export const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
