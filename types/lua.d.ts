// Lua scripts are imported as their source text: esbuild's text loader in the Lambda bundle,
// jest's lua transform in tests, and the require hook of dev/lua-require-hook.ts under tsx.
declare module '*.lua' {
  const source: string;
  export default source;
}
