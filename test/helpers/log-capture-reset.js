// jest globalSetup: each jest run starts from an empty capture, so `npm run test:logs` scans
// this run's output only. Plain CommonJS: global setup runs before any transform is configured.
const { rmSync } = require('node:fs');
const { join } = require('node:path');

module.exports = async () => {
  rmSync(join(__dirname, '..', '..', '.log-capture'), { recursive: true, force: true });
};
