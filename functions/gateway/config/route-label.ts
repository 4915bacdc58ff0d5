/**
 * How a route is named in config problems: by its `id` when it has a usable one (what the author
 * wrote and what logs show), else by its position in `routes`.
 */
export const routeLabel = (route: unknown, index: number): string => {
  const id =
    typeof route === 'object' && route !== null ? (route as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' && id.length <= 128
    ? `routes[${id}]`
    : `routes[${index}]`;
};
