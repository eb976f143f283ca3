import type { CloudEventAttributes } from '@vangnet/contracts/envelope';
import { GP_REFERRAL_STATUS_CHANGED_TYPE } from '@vangnet/contracts/http/referrals';
import type { Transaction } from '../../db.ts';
import { gpStatusOf } from '../gp-referral/status.ts';
import { gpStatusChangedData, gpStatusEventId, gpStatusToAnnounce } from './gp-status.ts';
import { createDeliveries } from './store.ts';

/**
 * Tells the practice that made a GP referral request where it now stands,
 * if that changed: one GpReferralStatusChanged to each of its
 * subscriptions, in the transaction that changed it. That transaction has
 * written the change already, so the status is read from the stored rows,
 * as `GET /v1/referrals/{id}` reads it. A team action and a routing event
 * about one request may commit at once; the lock makes each compare with
 * the status the other announced. A request deleted by retention has no
 * practice left to tell.
 */
export async function announceGpStatus(
  tx: Transaction,
  input: {
    requestId: string;
    cause: Pick<CloudEventAttributes, 'id' | 'time'>;
    source: string;
    now: Date;
  },
): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7363, hashtext(${input.requestId}))`;
  const request = await tx.referralRequest.findUnique({
    where: { id: input.requestId },
    select: {
      gpOrganisationId: true,
      consentFeedbackToReferrer: true,
      handedToCoordinatorAt: true,
      webhookGpStatus: { select: { status: true, outcome: true } },
    },
  });
  if (!request?.consentFeedbackToReferrer) return;
  const referrals = await tx.referral.findMany({
    where: { itemId: input.requestId, itemKind: 'referral_request' },
    select: {
      status: true,
      acceptedAt: true,
      firstContactAt: true,
      endedAt: true,
      closingResult: true,
      createdAt: true,
    },
  });
  const current = gpStatusOf(referrals, request.handedToCoordinatorAt);
  const announce = gpStatusToAnnounce(current, request.webhookGpStatus, request.consentFeedbackToReferrer);
  if (!announce) return;
  const announced = { status: announce.status, outcome: announce.outcome ?? null, changedAt: input.now };
  await tx.webhookGpStatus.upsert({
    where: { requestId: input.requestId },
    create: { requestId: input.requestId, ...announced },
    update: announced,
  });
  await createDeliveries(tx, {
    owners: [{ kind: 'gp', id: request.gpOrganisationId }],
    name: 'GpReferralStatusChanged',
    type: GP_REFERRAL_STATUS_CHANGED_TYPE,
    event: {
      id: gpStatusEventId(input.cause.id),
      source: input.source,
      subject: input.requestId,
      time: input.cause.time,
    },
    data: gpStatusChangedData(input.requestId, announce),
    now: input.now,
  });
}
