// One deploy at a time per namespace (and one scaling watch): a coordination.k8s.io/v1 Lease, taken with optimistic
// concurrency.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { DeployLockLostError, DeployLockTimeoutError } from "./errors.js";
import { clockAndLogger, isNotFound, type KubeOptions, statusOf, toDeliveryError, withOutageRetry } from "./kube.js";
import { CoordinationV1Api, type V1Lease } from "./kube-client.js";

/** Name of the Lease every deploy to a namespace takes. */
export const DEPLOY_LOCK_NAME = "ecommerce-delivery-deploy";

/** A Lease and what it guards, as its errors name it. */
export interface LockLease {
  readonly name: string;
  /** e.g. `deploy`: "another deploy in namespace … is running". */
  readonly guards: "deploy" | "watch";
}

const DEPLOY_LEASE: LockLease = { name: DEPLOY_LOCK_NAME, guards: "deploy" };
/** The Lease `deliver watch` holds while it runs: two watches of one environment would both act. */
export const WATCH_LEASE: LockLease = { name: "ecommerce-delivery-watch", guards: "watch" };

export interface DeployLockOptions extends KubeOptions {
  namespace: string;
  /** Who holds the lock; shown to a deploy that has to wait. Default `<host>/<pid>/<random>`. */
  holderIdentity?: string;
  /** A lease not renewed for this long may be taken over (default 30). */
  leaseDurationSeconds?: number;
  /** How long a second deploy waits for the lock before failing (default 60 s). */
  waitTimeoutMs?: number;
  /** Poll interval while waiting (default 500 ms). */
  pollMs?: number;
  /** Default: the deploy Lease. */
  lease?: LockLease;
}

export interface DeployLock {
  readonly namespace: string;
  readonly holder: string;
  /** Set when a renewal found the lease taken over or gone. */
  readonly lost: string | undefined;
  /** Throw DeployLockLostError if the lock was lost. */
  assertHeld(): void;
  /** Stop renewing and give the lease up (only if still ours). */
  release(): Promise<void>;
}

/** Default holder identity of this process. */
export function defaultHolderIdentity(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString("hex")}`;
}

/**
 * Take the namespace's deploy Lease: create it, or take it over when free or expired, with resourceVersion
 * preconditions so two acquirers cannot both win; wait (polling) while someone else holds it, up to
 * `waitTimeoutMs`, then throw DeployLockTimeoutError naming the holder. Renews itself until released.
 */
export async function acquireDeployLock(options: DeployLockOptions): Promise<DeployLock> {
  const { kubeConfig, namespace } = options;
  const { clock, logger } = clockAndLogger(options);
  const holder = options.holderIdentity ?? defaultHolderIdentity();
  const duration = options.leaseDurationSeconds ?? 30;
  const waitTimeoutMs = options.waitTimeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const which = options.lease ?? DEPLOY_LEASE;
  const target = `Lease ${namespace}/${which.name}`;
  const started = clock.now();
  let announced = false;

  let lease: V1Lease | undefined;
  for (;;) {
    lease = await tryAcquire();
    if (lease) break;
    const current = await read();
    const waited = clock.now() - started;
    if (waited >= waitTimeoutMs) {
      throw new DeployLockTimeoutError(
        namespace,
        which,
        current?.spec?.holderIdentity ?? "unknown",
        isoOf(current?.spec?.acquireTime),
        waited,
      );
    }
    if (!announced && current?.spec?.holderIdentity) {
      logger.info(`${target} is held by "${current.spec.holderIdentity}"; waiting up to ${waitTimeoutMs} ms`);
      announced = true;
    }
    await clock.sleep(pollMs);
  }
  logger.info(`${target}: acquired by "${holder}"`);

  async function read(): Promise<V1Lease | undefined> {
    try {
      return await withOutageRetry(options, { action: "read", target }, () =>
        api.readNamespacedLease({ namespace, name: which.name }),
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  // One attempt: the lease we now hold, or undefined when someone else holds it or won the race.
  async function tryAcquire(): Promise<V1Lease | undefined> {
    const now = microTime(clock.now());
    const existing = await read();
    if (!existing) {
      try {
        return await withOutageRetry(options, { action: "create", target }, () =>
          api.createNamespacedLease({
            namespace,
            body: {
              apiVersion: "coordination.k8s.io/v1",
              kind: "Lease",
              metadata: { name: which.name, namespace },
              spec: {
                holderIdentity: holder,
                leaseDurationSeconds: duration,
                acquireTime: now,
                renewTime: now,
                leaseTransitions: 0,
              },
            },
          }),
        );
      } catch (err) {
        // created by another acquirer first (or by our own retried request: the next read shows it is ours)
        if (statusOf(err) === 409) return undefined;
        throw err;
      }
    }
    const spec = existing.spec ?? {};
    const free = !spec.holderIdentity || spec.holderIdentity === holder || expired(existing, clock.now());
    if (!free) return undefined;
    if (spec.holderIdentity && spec.holderIdentity !== holder) {
      logger.warn(`${target}: taking over the expired lease of "${spec.holderIdentity}"`);
    }
    try {
      // replace carries metadata.resourceVersion: a concurrent writer makes this a 409, never a double win
      return await withOutageRetry(options, { action: "take", target }, () =>
        api.replaceNamespacedLease({
          namespace,
          name: which.name,
          body: {
            ...existing,
            spec: {
              ...spec,
              holderIdentity: holder,
              leaseDurationSeconds: duration,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: (spec.leaseTransitions ?? 0) + (spec.holderIdentity === holder ? 0 : 1),
            },
          },
        }),
      );
    } catch (err) {
      if (statusOf(err) === 409) return undefined;
      throw err;
    }
  }

  let held: V1Lease = lease;
  let lost: string | undefined;
  let released = false;
  let chain: Promise<void> = Promise.resolve();
  const renew = async () => {
    if (released || lost) return;
    try {
      held = await api.replaceNamespacedLease({
        namespace,
        name: which.name,
        body: {
          ...held,
          spec: { ...held.spec, acquireTime: microTime(held.spec?.acquireTime), renewTime: microTime(clock.now()) },
        },
      });
    } catch (err) {
      const status = statusOf(err);
      if (status === 409 || status === 404) {
        const now = await read().catch(() => undefined);
        if (now?.spec?.holderIdentity === holder && now.metadata) {
          held = now; // our own lease, changed under us (should not happen); retry on the next tick
          return;
        }
        lost = now ? `it is now held by "${now.spec?.holderIdentity ?? "nobody"}"` : "the Lease was deleted";
        logger.warn(`${target}: lost (${lost})`);
        return;
      }
      logger.warn(`${target}: renewal failed (${(err as Error).message}); retrying`);
    }
  };
  const timer = setInterval(
    () => {
      chain = chain.then(renew);
    },
    Math.max(200, (duration * 1000) / 3),
  );
  timer.unref?.();

  return {
    namespace,
    holder,
    get lost() {
      return lost;
    },
    assertHeld() {
      if (lost) throw new DeployLockLostError(namespace, which, holder, lost);
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await chain;
      if (lost) return;
      try {
        // delete only the version we hold: a precondition failure means it is no longer ours
        await api.deleteNamespacedLease({
          namespace,
          name: which.name,
          body: { preconditions: { resourceVersion: held.metadata?.resourceVersion } },
        });
        logger.info(`${target}: released by "${holder}"`);
      } catch (err) {
        const status = statusOf(err);
        if (status === 404 || status === 409) return;
        throw toDeliveryError(err, kubeConfig, "release", target);
      }
    },
  };
}

function expired(lease: V1Lease, now: number): boolean {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  if (!renewed) return true;
  const at = new Date(renewed as unknown as string | Date).getTime();
  return !Number.isFinite(at) || at + (lease.spec?.leaseDurationSeconds ?? 0) * 1000 < now;
}

function isoOf(value: unknown): string | undefined {
  if (!value) return undefined;
  const d = new Date(value as string | Date);
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

/**
 * A Lease's times are MicroTime: the API server parses exactly six fractional digits, and client-node would
 * send a Date with toISOString()'s three. A string goes through its serializer untouched.
 */
function microTime(value: number | Date | string | undefined): Date {
  const d = value === undefined ? new Date() : new Date(value);
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z") as unknown as Date;
}
