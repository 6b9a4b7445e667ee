import "server-only";

export { post, postWith, validateLegs, mergeLegs, SETTLEMENT_DEBT_KINDS, type Leg, type Posting, type PostingTail, type Asset, type TxKind } from "./post";
export {
  openCustomerAccounts,
  openMerchantAccounts,
  openPoolAccount,
  customerAccounts,
  customerAccountIds,
  customerAccountsOf,
  settlementAccount,
  refundsPendingAccount,
  withdrawalsSendingAccount,
  walletAccounts,
  platformAccounts,
  CUSTOMER_KINDS,
  type CustomerAccounts,
  type PlatformAccounts,
} from "./accounts";
export { transferPool, type PoolTransfer } from "./pool-transfer";
