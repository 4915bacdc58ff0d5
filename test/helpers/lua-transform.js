// Jest transform: a `.lua` module is its source text (as esbuild's text loader makes it).
module.exports = {
  process(source) {
    return { code: `module.exports = ${JSON.stringify(source)};` };
  },
};
