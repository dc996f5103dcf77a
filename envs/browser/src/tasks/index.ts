import { adminCountFilter } from './admin-count-filter.js';
import { adminEditRecord } from './admin-edit-record.js';
import { bookingReserve } from './booking-reserve.js';
import { calResolveConflict } from './cal-resolve-conflict.js';
import { calScheduleMeeting } from './cal-schedule-meeting.js';
import { chatAskDetail } from './chat-ask-detail.js';
import { contactsAskColleague } from './contacts-ask-colleague.js';
import { contactsMergeDuplicates } from './contacts-merge-duplicates.js';
import { contactsUpdate } from './contacts-update.js';
import { deskAskApproval } from './desk-ask-approval.js';
import { deskAskOrder } from './desk-ask-order.js';
import { deskPolicyDataRequest } from './desk-policy-data-request.js';
import { deskPolicyLateCredit } from './desk-policy-late-credit.js';
import { deskPolicyRefund } from './desk-policy-refund.js';
import { deskPolicyRouting } from './desk-policy-routing.js';
import { deskRefund } from './desk-refund.js';
import { deskReplyFacts } from './desk-reply-facts.js';
import { deskTriage } from './desk-triage.js';
import { formFromDocument } from './form-from-document.js';
import { mailAskColleague } from './mail-ask-colleague.js';
import { mailFindAnswer } from './mail-find-answer.js';
import { mailForward } from './mail-forward.js';
import { mailReplyFacts } from './mail-reply-facts.js';
import { mailTriageRules } from './mail-triage-rules.js';
import { shopBuyCheapest } from './shop-buy-cheapest.js';
import { shopChangeOrder } from './shop-change-order.js';
import { shopCouponCheckout } from './shop-coupon-checkout.js';
import type { FamilyDef } from './task.js';
import { travelBookPolicy } from './travel-book-policy.js';

/** Every built-in family, in catalogue order. */
export const FAMILIES: readonly FamilyDef[] = [
  shopBuyCheapest,
  shopCouponCheckout,
  shopChangeOrder,
  deskTriage,
  deskRefund,
  deskReplyFacts,
  mailForward,
  mailReplyFacts,
  mailFindAnswer,
  bookingReserve,
  adminEditRecord,
  adminCountFilter,
  travelBookPolicy,
  mailTriageRules,
  formFromDocument,
  calScheduleMeeting,
  calResolveConflict,
  contactsUpdate,
  contactsMergeDuplicates,
  deskPolicyRefund,
  deskPolicyDataRequest,
  deskPolicyLateCredit,
  deskPolicyRouting,
  deskAskOrder,
  deskAskApproval,
  chatAskDetail,
  mailAskColleague,
  contactsAskColleague,
];
