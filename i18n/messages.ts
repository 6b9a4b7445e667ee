import type { Locale } from "./config";
import enAuth from "@/messages/en/auth.json";
import enCommon from "@/messages/en/common.json";
import enCustomer from "@/messages/en/customer.json";
import enErrors from "@/messages/en/errors.json";
import enMerchant from "@/messages/en/merchant.json";
import enNotifications from "@/messages/en/notifications.json";
import enOperator from "@/messages/en/operator.json";
import enOrders from "@/messages/en/orders.json";
import enPrivacy from "@/messages/en/privacy.json";
import zhAuth from "@/messages/zh-CN/auth.json";
import zhCommon from "@/messages/zh-CN/common.json";
import zhCustomer from "@/messages/zh-CN/customer.json";
import zhErrors from "@/messages/zh-CN/errors.json";
import zhMerchant from "@/messages/zh-CN/merchant.json";
import zhNotifications from "@/messages/zh-CN/notifications.json";
import zhOperator from "@/messages/zh-CN/operator.json";
import zhOrders from "@/messages/zh-CN/orders.json";
import zhPrivacy from "@/messages/zh-CN/privacy.json";

/**
 * One JSON file per area and language (messages/<locale>/<namespace>.json), so people working on
 * different areas do not edit the same file. Each file is a namespace: `useTranslations("customer")`.
 * Imported statically: the whole set is a few kilobytes, and the types come from the Chinese files.
 */
const zhCN = {
  common: zhCommon,
  auth: zhAuth,
  customer: zhCustomer,
  errors: zhErrors,
  merchant: zhMerchant,
  notifications: zhNotifications,
  operator: zhOperator,
  orders: zhOrders,
  privacy: zhPrivacy,
};

export type Messages = typeof zhCN;

// `satisfies Messages` makes a key missing from an English file a type error as well as a test failure.
const en = {
  common: enCommon,
  auth: enAuth,
  customer: enCustomer,
  errors: enErrors,
  merchant: enMerchant,
  notifications: enNotifications,
  operator: enOperator,
  orders: enOrders,
  privacy: enPrivacy,
} satisfies Messages;

export const messages: Record<Locale, Messages> = { "zh-CN": zhCN, en };

/** The namespaces, i.e. the file names under messages/<locale>/. */
export const namespaces = Object.keys(zhCN) as (keyof Messages)[];
