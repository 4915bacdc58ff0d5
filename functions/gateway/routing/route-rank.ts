/**
 * Orders two route ranks (see `compileRoutes`): negative when `a` is more specific than `b`, so
 * that sorting by it puts the route that wins a path first; 0 for routes of the same shape.
 */
export const compareRank = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const diff = (b[i] ?? 0) - (a[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};
