import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { releaseRequest, tagRequest } from '../../src/demo/requests.js';
import { inExecutionOrder, parsePlan, planDigest, readPlanFile } from '../../src/runs/plan.js';
import { tempDir } from '../support/temp-dirs.js';
import { releasePlan } from './fixtures.js';

const problem = (plan: unknown) => {
  const parsed = parsePlan(plan);
  return parsed.ok ? 'accepted' : parsed.message;
};

describe('a publication plan', () => {
  it('is refused with one sentence naming what to fix', () => {
    const plan = releasePlan('r1');
    const [tag, release, pr] = plan.steps;
    const cases: [unknown, string][] = [
      [
        { ...plan, steps: [tag, { ...release, id: 'tag' }] },
        'Step id "tag" appears twice in the plan; give each step its own id.',
      ],
      [
        { ...plan, steps: [tag, { ...release, needs: ['tagg'] }] },
        'Step "release" needs "tagg", which is not a step of the plan.',
      ],
      [
        { ...plan, steps: [{ ...tag, needs: ['pr'] }, release, pr] },
        'The needs of steps "tag", "release", "pr" form a cycle; no order can satisfy them.',
      ],
      [
        { ...plan, steps: [tag, { id: 'other', request: releaseRequest('r2', 'v1') }] },
        'The request of step "other" belongs to run "r2", not to the plan\'s run "r1".',
      ],
      [{ ...plan, owner: 'me' }, 'Remove the unknown field "owner" from the plan.'],
      [
        { ...plan, steps: [{ ...tag, after: ['x'] }] },
        'Remove the unknown field "after" from "steps.0" of the plan.',
      ],
      [
        { ...plan, steps: [tag, { ...tag, id: 'again' }] },
        'Steps "tag" and "again" have the same request; one receipt would authorize both, so keep one.',
      ],
      [{ run_id: 'r1', steps: [] }, 'Field "steps" of the plan must list at least one step.'],
    ];
    for (const [input, sentence] of cases) expect(problem(input)).toBe(sentence);
    expect(problem(plan)).toBe('accepted');
  });

  it('orders steps after the steps they need, keeping the file order otherwise', () => {
    const run = 'r3';
    const parsed = parsePlan({
      run_id: run,
      steps: [
        { id: 'release', request: releaseRequest(run, 'v1'), needs: ['tag'] },
        { id: 'other-tag', request: tagRequest(run, 'v0') },
        { id: 'tag', request: tagRequest(run, 'v1') },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.message);
    expect(inExecutionOrder(parsed.plan).map((step) => step.id)).toEqual(['other-tag', 'tag', 'release']);
  });

  it('is read from YAML or JSON, and its digest does not depend on the notation', async () => {
    const dir = await tempDir('plans');
    const plan = releasePlan('r4');
    await writeFile(join(dir, 'plan.yaml'), stringify(plan));
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
    await writeFile(join(dir, 'broken.yaml'), 'run_id: [');
    const fromYaml = await readPlanFile(join(dir, 'plan.yaml'));
    expect(planDigest(fromYaml)).toBe(planDigest(await readPlanFile(join(dir, 'plan.json'))));
    await expect(readPlanFile(join(dir, 'broken.yaml'))).rejects.toThrow(/is neither YAML nor JSON/);
    await expect(readPlanFile(join(dir, 'missing.yaml'))).rejects.toThrow(/Cannot read a publication plan/);
  });
});
