import { setTimeout as sleep } from 'node:timers/promises';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

const GRPC_UNAVAILABLE = 14;
/** During an outage a call is tried again at least this often, so it resumes within a second of the server. */
const OUTAGE_RETRY_MS = 1_000;

/**
 * A client connection's retries: every call is retried while the server is unavailable
 * (restarting, or down), not only for the SDK's ten attempts (about 20 s); the caller's deadline
 * or abort bounds the wait, and the work goes on on the server meanwhile. Other retryable
 * failures keep the SDK's limit. `lost` hears of each unavailable answer.
 */
export class OutageRetries {
  private closing = false;
  private lastRetryAt = 0;

  constructor(private readonly lost: () => void) {}

  interceptor() {
    const sdk = defaultGrpcRetryOptions();
    return makeGrpcRetryInterceptor({
      delayFunction: (attempt, status) => {
        const delay =
          status.code === GRPC_UNAVAILABLE
            ? Math.min(OUTAGE_RETRY_MS, sdk.delayFunction(attempt, status))
            : sdk.delayFunction(attempt, status);
        this.lastRetryAt = Math.max(this.lastRetryAt, Date.now() + delay);
        return delay;
      },
      retryableDecider: (attempt, status) => {
        if (this.closing) return false;
        if (status.code !== GRPC_UNAVAILABLE) return sdk.retryableDecider(attempt, status);
        this.lost();
        return true;
      },
    });
  }

  /**
   * Stops retrying and waits for the retries already scheduled: one that fires after its
   * channel closed throws out of its timer ("Channel has been shut down") and kills the process.
   */
  async settle(): Promise<void> {
    this.closing = true;
    const wait = this.lastRetryAt - Date.now();
    if (wait > 0) await sleep(wait + 50);
  }
}
