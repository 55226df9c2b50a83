import type { RunTimeline, StepView } from '../shared.js';

/**
 * The one renderer of a run's timeline: the Web UI's current details (a Markdown table, set by the
 * run workflow), `run show` and the demo (text), and the line a failed run shows above the fold.
 * All read a step through the same helpers, so they cannot disagree about what it says.
 */

const count = (timeline: RunTimeline, status: StepView['status']) =>
  timeline.steps.filter((step) => step.status === status).length;

/** A step's one reason, as every view shows it. */
const reasonText = (step: StepView) => step.reason && `${step.reason.code}: ${step.reason.message}`;

/** Every step ended shipped: what `run show` reports with its exit code. */
export const everyStepShipped = (timeline: RunTimeline): boolean =>
  count(timeline, 'shipped') === timeline.steps.length;

/** The Web UI's current details: a heading with the mode and counts, then the timeline as a table. */
export function timelineTable(timeline: RunTimeline): string {
  const shipped = count(timeline, 'shipped');
  const notShipped = count(timeline, 'not_shipped');
  const pending = timeline.steps.length - shipped - notShipped;
  const cell = (text: string | undefined) => (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = timeline.steps.map(
    (step) =>
      `| ${cell(step.id)} | ${step.operation} | ${step.repository} | ${step.status} | ${cell(reasonText(step))} | ${cell(step.url)} |`,
  );
  return [
    `**Run ${timeline.runId}** · mode ${timeline.mode} · ${timeline.state} · ${shipped} shipped, ${notShipped} not shipped, ${pending} pending`,
    '',
    '| step | operation | repository | status | reason | link |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const MARK: Record<StepView['status'], string> = {
  waiting_authorization: '…',
  authorized: '○',
  running: '▶',
  shipped: '✔',
  not_shipped: '✘',
};

function outcomeText(step: StepView): string {
  if (step.status === 'shipped') return `shipped${step.adopted ? ' (adopted)' : ''} ${step.url ?? ''}`;
  const reason = reasonText(step);
  return reason ? `not shipped: ${reason}` : step.status.replace('_', ' ');
}

/** `run show`: a mode banner, then one line per step with its link or its one reason. */
export function timelineText(timeline: RunTimeline): string {
  const banner =
    timeline.mode === 'dry-run'
      ? '*** DRY-RUN MODE: nothing is written and no receipt is consumed ***'
      : '*** PROD MODE: authorized steps are written to GitHub ***';
  const lines = [
    banner,
    `Run ${timeline.runId} (${timeline.state}, deadline ${timeline.deadline}): ${count(timeline, 'shipped')} of ${timeline.steps.length} steps shipped.`,
  ];
  for (const step of timeline.steps) {
    lines.push(
      `${MARK[step.status]} ${step.id}  ${step.operation}  ${step.repository}  ${outcomeText(step)}`,
    );
    // The reason's message often quotes its one detail already; print only what it adds.
    for (const detail of step.reason?.detail ?? []) {
      if (!step.reason?.message.includes(detail.message)) lines.push(`    ${detail.code}: ${detail.message}`);
    }
  }
  if (timeline.audit) lines.push(`Run record: #${timeline.audit.index}, leaf ${timeline.audit.leafHash}`);
  return lines.join('\n');
}

/** The run in one line, as the Web UI shows a failure above the fold: mode, how many shipped, and which not, why. */
export function runLine(timeline: RunTimeline): string {
  const notShipped = timeline.steps.filter((step) => step.status !== 'shipped');
  const shown = notShipped.slice(0, 5).map((step) => `${step.id} ${step.reason?.code ?? step.status}`);
  const more = notShipped.length > shown.length ? `, and ${notShipped.length - shown.length} more` : '';
  const shipped = `${timeline.steps.length - notShipped.length} of ${timeline.steps.length} steps shipped`;
  const why = notShipped.length > 0 ? ` · not shipped: ${shown.join(', ')}${more}` : '';
  return `Run ${timeline.runId} · ${timeline.mode} · ${shipped}${why}`;
}
