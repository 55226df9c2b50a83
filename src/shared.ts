/**
 * Names shared by the client, the worker and any Federation Core that starts
 * workflows with its own Temporal SDK. Changing one is a breaking change of the contract.
 */
export const TASK_QUEUE = 'marketops-executor';
/** GitHub writes run here, paced by the server-side task queue rate limit. */
export const GITHUB_WRITES_TASK_QUEUE = 'marketops-github-writes';
export const WORKFLOW_TYPE = 'executeAuthorizedOperation';

export const workflowIdFor = (receiptId: string): string => `receipt-${receiptId}`;
