import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { twoPersonPolicy } from '../support/policies.js';
import { marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';
import { releasePlan } from './fixtures.js';

describe('marketops plan under an approval policy', () => {
  it('shows, per step, the approvals it needs, and nothing without a policy file', async () => {
    const dir = await tempDir('plan-approvals');
    const planFile = join(dir, 'plan.yaml');
    await writeFile(planFile, stringify(releasePlan('run-plan-approvals', 'v9.9.9')));
    const policyFile = join(dir, 'policy.yaml');
    await writeFile(policyFile, twoPersonPolicy('two-person releases', { kinds: ['publish_release'] }));
    const env = { MARKETOPS_DATA_DIR: dir };
    const withPolicy = await marketops(['plan', planFile, '--offline', '--json', '--policy', policyFile], {
      env,
    });
    expect(withPolicy.code, withPolicy.stderr).toBe(0);
    const steps = JSON.parse(withPolicy.stdout).steps as { id: string; approvals: string[] }[];
    const release = steps.find((step) => step.id === 'release');
    expect(release?.approvals[0]).toMatch(/^not satisfied \(policy sha256:/);
    expect(release?.approvals.join('\n')).toMatch(/0 of 2/);
    const tag = steps.find((step) => step.id === 'tag');
    expect(tag?.approvals.join('\n')).toContain('POLICY_NO_RULE');

    const text = await marketops(['plan', planFile, '--offline', '--policy', policyFile], { env });
    expect(text.stdout).toContain('approvals needed:');
    const without = await marketops(['plan', planFile, '--offline', '--json'], { env });
    expect(JSON.parse(without.stdout).steps.every((step: object) => !('approvals' in step))).toBe(true);
  });
});
