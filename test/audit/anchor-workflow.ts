import { condition, defineSignal, setHandler } from '@temporalio/workflow';

/** Stands in for the executor's final step: the workflow returns what the audit store answered. */
export const anchorSignal = defineSignal<[unknown]>('anchor');

export async function returnAuditAnchor(): Promise<unknown> {
  let anchor: unknown;
  setHandler(anchorSignal, (value) => {
    anchor = value;
  });
  await condition(() => anchor !== undefined);
  return anchor;
}
