import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

/**
 * The rule set of `npm run lint:deps` (`.dependency-cruiser.cjs`), run on small trees laid out as
 * the repository is: each forbidden import is caught by its rule, and a permitted one passes.
 */
const cruise = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-deps-'));
  try {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const roots = [...new Set(Object.keys(files).map((path) => path.split('/')[0] as string))];
    const result = spawnSync(DEPCRUISE, ['--config', CONFIG, ...roots], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const exporting = 'export const value = 1;\n';

describe('Architecture: the dependency rules catch forbidden imports', () => {
  it.each([
    [
      'base-imports-nothing-above',
      {
        'functions/gateway/http/types.ts':
          "import { value } from '../routing/route';\nexport const x = value;\n",
        'functions/gateway/routing/route.ts': exporting,
      },
    ],
    [
      'config-imports-only-base',
      {
        'functions/gateway/config/schema.ts':
          "import { value } from '../sessions/store';\nexport const x = value;\n",
        'functions/gateway/sessions/store.ts': exporting,
      },
    ],
    [
      'domain-imports-no-chain-or-edges',
      {
        'functions/gateway/sessions/store.ts':
          "import { value } from '../middleware/route';\nexport const x = value;\n",
        'functions/gateway/middleware/route.ts': exporting,
      },
    ],
    [
      'edges-import-no-root',
      {
        'functions/gateway/middleware/route.ts':
          "import { value } from '../wiring';\nexport const x = value;\n",
        'functions/gateway/wiring.ts': exporting,
      },
    ],
    [
      'functions-are-self-contained',
      {
        'functions/gateway/wiring.ts':
          "import { value } from '../../dev/start';\nexport const x = value;\n",
        'dev/start.ts': exporting,
      },
    ],
    [
      'infra-reads-only-the-route-table',
      {
        'lib/stack.ts':
          "import { value } from '../functions/gateway/sessions/store';\nexport const x = value;\n",
        'functions/gateway/sessions/store.ts': exporting,
      },
    ],
    [
      'infra-reads-only-the-route-table',
      {
        'lib/monitoring.ts':
          "import { value } from '../functions/gateway/observability/metrics';\nexport const x = value;\n",
        'functions/gateway/observability/metrics.ts': exporting,
      },
    ],
    [
      'shared-names-import-nothing',
      {
        'functions/gateway/observability/metric-names.ts':
          "import { value } from './logger';\nexport const x = value;\n",
        'functions/gateway/observability/logger.ts': exporting,
      },
    ],
    [
      'environment-modules-import-nothing',
      {
        'functions/gateway/config/env-schema.ts':
          "import { value } from '../http/errors';\nexport const x = value;\n",
        'functions/gateway/http/errors.ts': exporting,
      },
    ],
    [
      'base-imports-nothing-above',
      {
        'functions/gateway/observability/tracing.ts':
          "import { value } from '../config/schema';\nexport const x = value;\n",
        'functions/gateway/config/schema.ts': exporting,
      },
    ],
    [
      'no-circular',
      {
        'functions/gateway/sessions/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
        'functions/gateway/sessions/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      },
    ],
  ])('%s', (rule, files) => {
    const { status, output } = cruise(files);

    expect(status).not.toBe(0);
    expect(output).toContain(`error ${rule}:`);
  });

  it('lets each layer import the layers below it, types be shared back, and the base read its settings', () => {
    const { status, output } = cruise({
      'functions/gateway/http/errors.ts': exporting,
      'functions/gateway/config/schema.ts':
        "import type { Check } from './checks';\nimport { value } from '../http/errors';\nexport type Schema = Check;\nexport const schema = value;\n",
      'functions/gateway/config/checks.ts':
        "import { schema } from './schema';\nexport type Check = number;\nexport const check = schema;\n",
      'functions/gateway/routing/table.ts':
        "import { schema } from '../config/schema';\nexport const table = schema;\n",
      'functions/gateway/middleware/route.ts':
        "import { table } from '../routing/table';\nexport const route = table;\n",
      'functions/gateway/wiring.ts':
        "import { route } from './middleware/route';\nexport const wired = route;\n",
      'functions/gateway/config/environment-names.ts': exporting,
      'functions/gateway/config/env-schema.ts':
        "import { value } from './environment-names';\nexport const setting = value;\n",
      'functions/gateway/observability/tracing.ts':
        "import { setting } from '../config/env-schema';\nexport const tracing = setting;\n",
    });

    expect({ status, output }).toMatchObject({ status: 0 });
  });

  it('lets the CDK app import the shared names and limits', () => {
    const { status, output } = cruise({
      'functions/gateway/observability/metric-names.ts': exporting,
      'functions/gateway/http/limits.ts': exporting,
      'lib/monitoring.ts':
        "import { value } from '../functions/gateway/observability/metric-names';\nimport { value as limit } from '../functions/gateway/http/limits';\nexport const x = value + limit;\n",
    });

    expect({ status, output }).toMatchObject({ status: 0 });
  });
});
