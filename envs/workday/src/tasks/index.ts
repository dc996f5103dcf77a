import { adminFiguresReport } from './admin-figures-report.js';
import { mailFiguresLedger } from './mail-figures-ledger.js';
import { refundRuleOrders } from './refund-rule-orders.js';
import { roomUsageReport } from './room-usage-report.js';
import { sheetToTicketReply } from './sheet-to-ticket-reply.js';
import type { FamilyDef } from './task.js';

/** Every workday family; each needs both apps: the fact is in one, the change in the other. */
export const FAMILIES: readonly FamilyDef[] = [refundRuleOrders, adminFiguresReport, mailFiguresLedger, sheetToTicketReply, roomUsageReport];
