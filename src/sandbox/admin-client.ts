import { z } from 'zod';
import { ADMIN_PREFIX } from './admin-routes.js';
import { type Fault, type InstallationConfig, type Limits, limitsSchema } from './config.js';
import {
  type IdentityUsageReport,
  identityUsageSchema,
  type RequestLogEntry,
  requestLogEntrySchema,
  type SandboxState,
  sandboxStateSchema,
} from './records.js';

/** An installation as the admin API takes it; omitted fields get the config's defaults. */
type InstallationInput = Pick<InstallationConfig, 'id' | 'account'> & Partial<InstallationConfig>;

const clockSchema = z.object({ now: z.number() });
const errorSchema = z.object({ message: z.string() });
const branchSchema = z.object({ ref: z.string(), sha: z.string() });

/**
 * Typed client for the sandbox's admin API. It speaks HTTP, so a test in another
 * process (or the executor's own test harness) can drive the same sandbox.
 */
export class SandboxAdmin {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Back to the seeded state: clears the request log, faults, limits changes and rate counters. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  async state(): Promise<SandboxState> {
    return sandboxStateSchema.parse(await this.call('GET', '/state'));
  }

  /**
   * Creates `branch` in `repository` (`owner/name`) or moves it to `sha`, a commit the sandbox then
   * knows: what a push would do. Returns the branch's ref as the state lists it.
   */
  async setBranch(repository: string, branch: string, sha: string): Promise<{ ref: string; sha: string }> {
    const path = `/repos/${repository}/branches/${encodeURIComponent(branch)}`;
    return branchSchema.parse(await this.call('PUT', path, { sha }));
  }

  /** The GitHub routes served, as `METHOD /template` in the spelling of GitHub's OpenAPI document. */
  async routes(): Promise<string[]> {
    return z.array(z.string()).parse(await this.call('GET', '/routes'));
  }

  /** GitHub requests only, oldest first; admin calls are not logged. */
  async requests(): Promise<RequestLogEntry[]> {
    return z.array(requestLogEntrySchema).parse(await this.call('GET', '/requests'));
  }

  async limits(): Promise<Limits> {
    return limitsSchema.parse(await this.call('GET', '/limits'));
  }

  async setLimits(limits: Partial<Limits>): Promise<void> {
    await this.call('PATCH', '/limits', limits);
  }

  /** Each identity's windows: `token:<id>`, `installation:<id>` (all its tokens together), `app:<id>`. */
  async usage(): Promise<IdentityUsageReport[]> {
    return z.array(identityUsageSchema).parse(await this.call('GET', '/usage'));
  }

  /**
   * Installs the configured App `appId` on an account the sandbox knows, e.g.
   * `{ id: 7, account: 'omega', repositories: ['website'], permissions: { contents: 'write' } }`.
   * A reset removes it.
   */
  async addInstallation(appId: number, installation: InstallationInput): Promise<void> {
    await this.call('POST', `/apps/${appId}/installations`, installation);
  }

  async addFault(fault: Fault): Promise<void> {
    await this.call('POST', '/faults', fault);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  /** Moves the sandbox clock forward by `ms` sandbox milliseconds. */
  async advanceClock(ms: number): Promise<void> {
    await this.call('POST', '/clock/advance', { ms });
  }

  /** The sandbox clock, epoch milliseconds. */
  async now(): Promise<number> {
    return clockSchema.parse(await this.call('GET', '/clock')).now;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${ADMIN_PREFIX}${path}`, {
      method,
      headers: { authorization: `token ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload: unknown = await response.json();
    if (!response.ok) {
      const detail = errorSchema.safeParse(payload);
      throw new Error(
        `Sandbox admin ${method} ${path} failed with ${response.status}: ${detail.success ? detail.data.message : 'no message'}`,
      );
    }
    return payload;
  }
}
