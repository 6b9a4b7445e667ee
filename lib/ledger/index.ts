import "server-only";

export { post, postWith, validateLegs, mergeLegs, type Leg, type Posting, type PostingTail, type Asset, type TxKind } from "./post";
export {
  openCustomerAccounts,
  openMerchantAccounts,
  openPoolAccount,
  customerAccounts,
  customerAccountIds,
  customerAccountsOf,
  settlementAccount,
  walletAccounts,
  platformAccounts,
  CUSTOMER_KINDS,
  type CustomerAccounts,
  type PlatformAccounts,
} from "./accounts";
